/**
 * Parses Stripe's form encoding (`metadata[user_id]=…`, `expand[0]=…`) into nested objects and
 * arrays, as the Stripe SDK's `stringifyRequestData` produces it.
 */
export function parseStripeForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const parts = rawKey.split('[').map((p, i) => (i === 0 ? p : p.replace(/\]$/, '')));
    let node: Record<string, unknown> = out;
    for (let i = 0; i < parts.length; i++) {
      const k = parts[i] === '' ? String(Object.keys(node).length) : parts[i];
      if (i === parts.length - 1) node[k] = value;
      else node = (node[k] ??= {}) as Record<string, unknown>;
    }
  }
  return arrayify(out) as Record<string, unknown>;
}

/** Objects whose keys are exactly 0..n-1 become arrays. */
function arrayify(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  for (const k of keys) o[k] = arrayify(o[k]);
  if (keys.length && keys.every((k, i) => k === String(i))) return keys.map((k) => o[k]);
  return o;
}

/** `expand[]` as a list of dotted paths. */
export function expandList(params: Record<string, unknown>): string[] {
  const e = params.expand;
  return Array.isArray(e) ? e.map(String) : typeof e === 'string' ? [e] : [];
}
