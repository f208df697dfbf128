import { describe, expect, it } from 'vitest';
import { ephemeralSigningKeys } from '../../../test/support/signing-keys.ts';
import { ACCESS_TOKEN_TTL_SECONDS, CLOCK_SKEW_SECONDS, signAccessToken, verifyAccessToken } from './tokens.ts';

describe('access tokens', () => {
  it('a token verified once is accepted again only while it is valid', async () => {
    const cfg = { keys: await ephemeralSigningKeys(), issuer: 'gatehouse', audience: 'gatehouse-api' };
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
    const token = await signAccessToken(cfg, { sub: 'user-1', role: 'student' }, t0);
    expect(await verifyAccessToken(cfg, token, new Date(t0))).toMatchObject({ sub: 'user-1', role: 'student' });
    expect(await verifyAccessToken(cfg, token, new Date(t0 + 60_000))).toMatchObject({ sub: 'user-1' });
    // Remembered, but not past exp + skew, nor before nbf - skew.
    expect(
      await verifyAccessToken(cfg, token, new Date(t0 + (ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000)),
    ).toBeNull();
    const early = await signAccessToken(cfg, { sub: 'user-2', role: 'student' }, t0);
    expect(await verifyAccessToken(cfg, early, new Date(t0))).not.toBeNull();
    expect(await verifyAccessToken(cfg, early, new Date(t0 - (CLOCK_SKEW_SECONDS + 1) * 1000))).toBeNull();
  });

  it('never accepts a token for other keys, issuer or audience, or with a changed signature', async () => {
    const cfg = { keys: await ephemeralSigningKeys(), issuer: 'gatehouse', audience: 'gatehouse-api' };
    const now = Date.now();
    const token = await signAccessToken(cfg, { sub: 'user-1', role: 'admin' }, now);
    expect(await verifyAccessToken(cfg, token, new Date(now))).not.toBeNull();
    expect(await verifyAccessToken({ ...cfg, keys: await ephemeralSigningKeys() }, token, new Date(now))).toBeNull();
    expect(await verifyAccessToken({ ...cfg, issuer: 'other' }, token, new Date(now))).toBeNull();
    expect(await verifyAccessToken({ ...cfg, audience: 'other' }, token, new Date(now))).toBeNull();
    const sig = token.slice(token.lastIndexOf('.') + 1);
    const flipped = token.slice(0, token.lastIndexOf('.') + 1) + (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(await verifyAccessToken(cfg, flipped, new Date(now))).toBeNull();
  });
});
