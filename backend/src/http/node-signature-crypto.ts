import { createHash, createHmac } from 'node:crypto';
import type { SignatureCrypto } from '../../../shared/gateway-signature.ts';

/**
 * The gateway signature's primitives on `node:crypto`, synchronous: the same hex digests as
 * `WEB_CRYPTO` (a test checks), without Web Crypto's round trip through a worker thread per call.
 */
export const NODE_CRYPTO: SignatureCrypto = {
  sha256Hex: (data) => createHash('sha256').update(data).digest('hex'),
  hmacSha256Hex: (secret, data) => createHmac('sha256', secret).update(data, 'utf8').digest('hex'),
};
