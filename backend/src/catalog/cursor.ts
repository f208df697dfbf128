import { createHash } from 'node:crypto';
import { ProblemError } from '../http/problem.ts';

/**
 * Opaque keyset cursors: base64url of `[kind, sortValue, id, check]`. `check` is a short hash of the
 * rest, so an edited or truncated cursor is refused with a 400 naming `cursor`. Forging a valid
 * cursor gains nothing: it only positions a page within public data.
 */
export type CursorValue = string | number;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function check(kind: string, value: CursorValue, id: string): string {
  return createHash('sha256')
    .update(JSON.stringify([kind, value, id]))
    .digest('base64url')
    .slice(0, 10);
}

export function encodeCursor(kind: string, value: CursorValue, id: string): string {
  return Buffer.from(JSON.stringify([kind, value, id, check(kind, value, id)])).toString('base64url');
}

function invalid(): never {
  throw new ProblemError('VALIDATION_FAILED', 'The cursor is not valid; start again from the first page', [
    { path: 'cursor', message: 'is not a cursor this endpoint issued' },
  ]);
}

/** Decodes a cursor issued for `kind` whose value passes `valid`; anything else → 400. */
export function decodeCursor(
  cursor: string,
  kind: string,
  valid: (v: unknown) => boolean,
): { value: CursorValue; id: string } {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) invalid();
  const [k, value, id, sum] = parsed as unknown[];
  if (k !== kind || !valid(value) || typeof id !== 'string' || !UUID.test(id) || typeof sum !== 'string') invalid();
  if (sum !== check(kind, value as CursorValue, id)) invalid();
  return { value: value as CursorValue, id };
}

/** Value checks for cursor kinds, strict enough that a forged value can never reach SQL as garbage. */
export const isIsoDate = (v: unknown): boolean =>
  typeof v === 'string' &&
  /^\d{4}-\d{2}-\d{2}$/.test(v) &&
  !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
  new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
export const isSafeInt = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v);
export const isFiniteNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
