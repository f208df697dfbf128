import { and, eq, isNull } from 'drizzle-orm';
import { refreshReuse } from '../ops/metrics.ts';
import type { Db } from '../db/client.ts';
import { refreshTokens, users } from '../db/schema/index.ts';
import { hashToken, newOpaqueToken } from './opaque-token.ts';
import type { Role } from './tokens.ts';

/** A refresh token lives 30 days from its issue; each rotation starts a new 30 days. */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

export interface IssuedRefresh {
  token: string;
  familyId: string;
  expiresAt: Date;
}

/** The outcome of presenting a refresh token: decisions are values, the route maps them to HTTP. */
export type RotateResult =
  | { kind: 'rotated'; refresh: IssuedRefresh; user: { id: string; email: string; role: Role } }
  | { kind: 'invalid'; reason: 'unknown' | 'expired' | 'revoked' }
  | { kind: 'reuse'; familyId: string; userId: string };

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

async function insertToken(db: Db | Tx, userId: string, familyId: string, now: Date): Promise<IssuedRefresh> {
  const token = newOpaqueToken();
  const expiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000);
  await db.insert(refreshTokens).values({ userId, familyId, tokenHash: hashToken(token), createdAt: now, expiresAt });
  return { token, familyId, expiresAt };
}

/** Starts a new family (one per login). */
export function startFamily(db: Db, userId: string, now: Date): Promise<IssuedRefresh> {
  return insertToken(db, userId, crypto.randomUUID(), now);
}

/**
 * Exchanges a refresh token for a new one in the same family, in one transaction. The row lock
 * (`FOR UPDATE`) serializes concurrent presentations of the same token: the second one waits,
 * then sees `rotated_at` set and is treated as reuse, so two refreshes can never both succeed.
 * Reuse of a rotated token revokes the whole family (RFC 9700 §4.14.2): someone holds a copy.
 */
export async function rotate(db: Db, token: string, now: Date): Promise<RotateResult> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hashToken(token)))
      .for('update');
    if (!row) return { kind: 'invalid', reason: 'unknown' } as const;
    if (row.revokedAt) return { kind: 'invalid', reason: 'revoked' } as const;
    if (row.rotatedAt) {
      await revokeFamilyIn(tx, row.familyId, now);
      refreshReuse.inc({});
      return { kind: 'reuse', familyId: row.familyId, userId: row.userId } as const;
    }
    if (row.expiresAt.getTime() <= now.getTime()) return { kind: 'invalid', reason: 'expired' } as const;
    const [user] = await tx
      .select({ id: users.id, email: users.email, role: users.role })
      .from(users)
      .where(eq(users.id, row.userId));
    if (!user) return { kind: 'invalid', reason: 'unknown' } as const;
    await tx.update(refreshTokens).set({ rotatedAt: now }).where(eq(refreshTokens.id, row.id));
    const refresh = await insertToken(tx, row.userId, row.familyId, now);
    return { kind: 'rotated', refresh, user } as const;
  });
}

async function revokeFamilyIn(db: Db | Tx, familyId: string, now: Date): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/** Logout: revokes the family the token belongs to. Unknown tokens are ignored (logout is idempotent). */
export async function revokeFamilyOf(db: Db, token: string, now: Date): Promise<void> {
  const [row] = await db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hashToken(token)));
  if (row) await revokeFamilyIn(db, row.familyId, now);
}

/** After a password change: every session of the user ends. */
export async function revokeAllOf(db: Db | Tx, userId: string, now: Date): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
}
