import { describe, expect, it } from 'vitest';
import {
  WEB_CRYPTO,
  bodyDigest,
  checkGatewaySignature,
  credentialBinding,
  signGatewayRequest,
  type SignedParts,
} from '../../../shared/gateway-signature.ts';
import { NODE_CRYPTO } from './node-signature-crypto.ts';

describe('NODE_CRYPTO', () => {
  it('gives the digests and MACs Web Crypto gives (what the gateway signs with)', async () => {
    const utf8 = new TextEncoder();
    for (const data of [new Uint8Array(0), utf8.encode('{"package_id":"starter-100"}'), new Uint8Array(70_000).fill(7)])
      expect(NODE_CRYPTO.sha256Hex(data)).toBe(await WEB_CRYPTO.sha256Hex(data));
    for (const [secret, data] of [
      ['s3cret-s3cret-s3cret', 'v2\n1\nPOST\n/api/x\nid\nabc\n-\n\n'],
      ['ключ-ключ-ключ-ключ', 'données\nmit Ümlaut ✓'],
    ])
      expect(NODE_CRYPTO.hmacSha256Hex(secret, data)).toBe(await WEB_CRYPTO.hmacSha256Hex(secret, data));
    const token = { kind: 'token', token: 'eyJhbGciOiJFUzI1NiJ9.e30.sig', source: 'authorization' } as const;
    expect(await credentialBinding(token, NODE_CRYPTO)).toBe(await credentialBinding(token));
  });

  it('verifies what the gateway (Web Crypto) signed and refuses a changed body', async () => {
    const secret = 'gateway-shared-secret-value';
    const body = new TextEncoder().encode('{"a":1}');
    const parts: SignedParts = {
      method: 'POST',
      pathAndQuery: '/api/credits/purchases',
      requestId: '0123456789abcdef-0123',
      bodySha256: await bodyDigest(body),
      credential: '-',
    };
    const header = await signGatewayRequest(secret, parts);
    const now = Date.now();
    expect(await checkGatewaySignature(secret, header, parts, now, NODE_CRYPTO)).toBe('ok');
    const changed = { ...parts, bodySha256: await bodyDigest(new TextEncoder().encode('{"a":2}'), NODE_CRYPTO) };
    expect(await checkGatewaySignature(secret, header, changed, now, NODE_CRYPTO)).toBe('mismatch');
  });
});
