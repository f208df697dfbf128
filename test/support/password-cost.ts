import { DEFAULT_SCRYPT_LOG2N, setPasswordHashCost } from '../../backend/src/auth/password.ts';

/**
 * Setup file of the backend and e2e projects: hashes made in the test process use the suite's
 * scrypt cost, PASSWORD_SCRYPT_LOG2N from vitest.config.ts (the backends the e2e tests spawn
 * inherit the variable and read it through env.ts like any deployment).
 */
export const SUITE_SCRYPT_LOG2N = Number(process.env.PASSWORD_SCRYPT_LOG2N ?? DEFAULT_SCRYPT_LOG2N);
setPasswordHashCost(SUITE_SCRYPT_LOG2N);
