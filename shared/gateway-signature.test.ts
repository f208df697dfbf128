import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bodyDigest, checkGatewaySignature, signGatewayRequest, type SignedParts } from './gateway-signature.ts';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('gateway signature', () => {
  it('digests bodies as hex SHA-256, the empty body included', async () => {
    for (const body of [new Uint8Array(0), new TextEncoder().encode('{"a":1}'), new Uint8Array(70_000).fill(255)])
      expect(await bodyDigest(body)).toBe(sha256(body));
    expect(await bodyDigest(undefined)).toBe(sha256(new Uint8Array(0)));
  });

  it('verifies what it signed and refuses any changed part', async () => {
    const parts: SignedParts = {
      method: 'POST',
      pathAndQuery: '/api/x?y=1',
      requestId: '0123456789abcdef-0123',
      bodySha256: await bodyDigest(new TextEncoder().encode('{}')),
      credential: '-',
    };
    const header = await signGatewayRequest('s3cret-s3cret-s3cret', parts);
    expect(header).toMatch(/^t=\d+,v2=[0-9a-f]{64}$/);
    expect(await checkGatewaySignature('s3cret-s3cret-s3cret', header, parts)).toBe('ok');
    expect(await checkGatewaySignature('s3cret-s3cret-s3cret', header, { ...parts, pathAndQuery: '/api/x' })).toBe(
      'mismatch',
    );
    expect(await checkGatewaySignature('another-secret-value', header, parts)).toBe('mismatch');
  });
});
