import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../env.ts';
import { SUITE_SCRYPT_LOG2N } from '../../../test/support/password-cost.ts';
import { DEFAULT_SCRYPT_LOG2N, hashPassword, setPasswordHashCost, verifyPassword } from './password.ts';

afterEach(() => setPasswordHashCost(SUITE_SCRYPT_LOG2N));

describe('password hashing cost', () => {
  it('production hashes at N=2^15 unless configured; the env refuses a lower cost in production', () => {
    expect(DEFAULT_SCRYPT_LOG2N).toBe(15);
    expect(parseEnv({ REQUIRE_GATEWAY_SIGNATURE: 'false' }).PASSWORD_SCRYPT_LOG2N).toBe(15);
    expect(parseEnv({ REQUIRE_GATEWAY_SIGNATURE: 'false', PASSWORD_SCRYPT_LOG2N: '12' }).PASSWORD_SCRYPT_LOG2N).toBe(
      12,
    );
    expect(() =>
      parseEnv({ REQUIRE_GATEWAY_SIGNATURE: 'false', APP_ENV: 'production', PASSWORD_SCRYPT_LOG2N: '12' }),
    ).toThrow(/PASSWORD_SCRYPT_LOG2N: below 15 is for tests only/);
    expect(() => parseEnv({ REQUIRE_GATEWAY_SIGNATURE: 'false', PASSWORD_SCRYPT_LOG2N: '11' })).toThrow(
      /PASSWORD_SCRYPT_LOG2N/,
    );
  });

  it('a hash keeps the cost it was made with: it verifies after the cost changes, both ways', async () => {
    setPasswordHashCost(12);
    const cheap = await hashPassword('correct horse battery');
    setPasswordHashCost(DEFAULT_SCRYPT_LOG2N);
    const dear = await hashPassword('correct horse battery');
    expect(cheap).toMatch(/^scrypt\$4096\$8\$1\$/);
    expect(dear).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', cheap)).toBe(true);
    setPasswordHashCost(12);
    expect(await verifyPassword('correct horse battery', dear)).toBe(true);
    expect(await verifyPassword('wrong horse battery', dear)).toBe(false);
  });
});
