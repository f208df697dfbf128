import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client.ts';
import {
  FINISHED_KEY_MAX,
  FINISHED_KEY_TTL_MS,
  forgetFinishedKeys,
  recallFinished,
  rememberFinished,
} from './finished-keys.ts';

const fakeDb = () => ({}) as Db;
const name = (key: string) => ({ userId: 'u1', operation: 'purchase.create', key });
const answer = { fingerprint: 'fp', status: 201, body: { id: 'p1' } };

describe('finished keys memory', () => {
  it('recalls a remembered key until its TTL, per database handle and per user/operation/key', () => {
    const db = fakeDb();
    rememberFinished(db, name('k1'), answer, 1000);
    expect(recallFinished(db, name('k1'), 1000 + FINISHED_KEY_TTL_MS - 1)).toMatchObject(answer);
    expect(recallFinished(db, name('k1'), 1000 + FINISHED_KEY_TTL_MS)).toBeUndefined();
    rememberFinished(db, name('k2'), answer, 1000);
    expect(recallFinished(fakeDb(), name('k2'), 1000)).toBeUndefined();
    expect(recallFinished(db, { ...name('k2'), userId: 'u2' }, 1000)).toBeUndefined();
    expect(recallFinished(db, { ...name('k2'), operation: 'refund.create' }, 1000)).toBeUndefined();
  });

  it('holds at most FINISHED_KEY_MAX entries, dropping the oldest', () => {
    const db = fakeDb();
    for (let i = 0; i <= FINISHED_KEY_MAX; i++) rememberFinished(db, name(`k${i}`), answer, 0);
    expect(recallFinished(db, name('k0'), 0)).toBeUndefined();
    expect(recallFinished(db, name('k1'), 0)).toMatchObject(answer);
    expect(recallFinished(db, name(`k${FINISHED_KEY_MAX}`), 0)).toMatchObject(answer);
  });

  it('forgets everything after a purge', () => {
    const db = fakeDb();
    rememberFinished(db, name('k1'), answer, 0);
    forgetFinishedKeys(db);
    expect(recallFinished(db, name('k1'), 0)).toBeUndefined();
  });
});
