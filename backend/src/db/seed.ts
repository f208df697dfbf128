import type { Db } from './client.ts';

/** Demo accounts printed at start and listed in the README. */
export const DEMO_ACCOUNTS: { email: string; password: string; role: 'student' | 'provider' }[] = [];

/** True when the database holds no scholarships yet (first start). */
export async function isEmpty(db: Db): Promise<boolean> {
  void db;
  return false;
}

/** Loads demo providers, accounts and `count` scholarships; deterministic for a given count. */
export async function seedDemo(db: Db, opts: { count: number; onProgress?: (done: number, total: number) => void }): Promise<void> {
  void db; void opts;
}
