/** Small API helpers the gate's lines share: accounts, purchases, settling. */
import { edgeFetch, type GateContext } from './context.ts';

export interface Account {
  email: string;
  password: string;
  token: string;
}

export async function signupAndLogin(ctx: GateContext, label: string): Promise<Account> {
  const email = `gate-${label}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.test`;
  const password = `gate-pass-${Math.random().toString(36).slice(2)}-A1`;
  const json = { 'content-type': 'application/json' };
  const s = await edgeFetch(ctx, '/api/auth/signup', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, password, name: `Gate ${label}` }),
  });
  if (s.status !== 202) throw new Error(`signup answered ${s.status}`);
  const l = await edgeFetch(ctx, '/api/auth/login', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, password }),
  });
  if (l.status !== 200) throw new Error(`login answered ${l.status}`);
  const { access_token } = (await l.json()) as { access_token: string };
  return { email, password, token: access_token };
}

export async function purchase(
  ctx: GateContext,
  a: Account,
  key: string,
  pkg = 'starter-100',
): Promise<{ status: number; id?: string; requestId: string | null }> {
  const res = await edgeFetch(ctx, '/api/credits/purchases', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${a.token}`, 'idempotency-key': key },
    body: JSON.stringify({ package_id: pkg, payment_method: 'pm_card_visa' }),
  });
  const body = (await res.json().catch(() => ({}))) as { id?: string };
  return { status: res.status, id: body.id, requestId: res.headers.get('x-request-id') };
}

export async function credits(ctx: GateContext, a: Account): Promise<number> {
  const res = await edgeFetch(ctx, '/api/credits/balance', { headers: { authorization: `Bearer ${a.token}` } });
  return ((await res.json()) as { credits: number }).credits;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
