import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { REDACT_PATHS } from '../logger.ts';
import { HARD_PASSWORD, uniqueEmail } from '../../../test/support/auth.ts';

let t: TestBackend;
const lines: string[] = [];
beforeAll(async () => {
  t = await createTestBackend();
  // Swap in the production logger configuration, writing to memory at the most verbose level.
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  t.deps.log = pino({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t?.close();
});

describe('secrets never reach the logs', () => {
  it('passwords, access, refresh and reset tokens stay out of every log line', async () => {
    const email = uniqueEmail('logs');
    const newPassword = 'N3w-Secret-Passphrase!';
    const origin = new URL(t.deps.env.PUBLIC_URL).origin;
    expect(
      (await t.request('/api/auth/signup', { json: { email, password: HARD_PASSWORD, name: 'Log Test' } })).status,
    ).toBe(202);
    const login = (await (await t.request('/api/auth/login', { json: { email, password: HARD_PASSWORD } })).json()) as {
      access_token: string;
      refresh_token: string;
    };
    await t.request('/api/auth/login', { json: { email, password: 'WrongButSecret-123' } });
    await t.request('/api/auth/signup', { json: { email, password: 'short', name: 'x', extra: 'y' } });
    const refreshed = (await (
      await t.request('/api/auth/refresh', { json: { refresh_token: login.refresh_token } })
    ).json()) as { access_token: string; refresh_token: string };
    await t.request('/api/auth/refresh', { json: { refresh_token: login.refresh_token } }); // reuse → warn line
    await t.request('/api/me', { token: refreshed.access_token });
    await t.request('/api/auth/password-reset', { json: { email } });
    const { items } = (await (await t.request(`/api/dev/mailbox?to=${encodeURIComponent(email)}`)).json()) as {
      items: { body: string }[];
    };
    const resetToken = /token=([A-Za-z0-9_-]{43})/.exec(items[0].body)![1];
    await t.request(`/reset-password?token=${resetToken}`, { headers: { accept: 'text/html' } });
    await t.request('/api/auth/password-reset/confirm', { json: { token: resetToken, password: newPassword } });
    await t.request('/login', {
      method: 'POST',
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, password: newPassword }).toString(),
    });

    const all = lines.join('');
    // The capture works: the events are there, with the user's id.
    expect(all).toContain('"event":"login"');
    expect(all).toContain('"event":"refresh_reuse"');
    expect(all).toContain('"event":"password_reset"');
    for (const secret of [
      HARD_PASSWORD,
      'WrongButSecret-123',
      newPassword,
      login.access_token,
      login.refresh_token,
      refreshed.access_token,
      refreshed.refresh_token,
      resetToken,
    ]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toContain(JSON.stringify(HARD_PASSWORD).slice(1, -1)); // nor its JSON-escaped form
  });
});
