import { and, eq, isNull } from 'drizzle-orm';
import type { AppDeps } from '../deps.ts';
import { passwordResets, users } from '../db/schema/index.ts';
import type { MailTransport } from '../mail/index.ts';
import { hashToken, newOpaqueToken } from './opaque-token.ts';
import { hashPassword } from './password.ts';
import { revokeAllOf } from './refresh-tokens.ts';

/** A reset link is good for 30 minutes: long enough to find the mail, short enough to go stale. */
const RESET_TOKEN_TTL_MINUTES = 30;
/**
 * Both answers (known and unknown email) take at least this long, so the response time does not
 * tell whether an account exists. Local delivery fits well inside it; SMTP runs in the background.
 */
const RESET_MIN_RESPONSE_MS = 120;

function resetLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/reset-password?token=${token}`;
}

function resetMailText(name: string, link: string): string {
  return [
    `Hello ${name},`,
    '',
    'Someone (hopefully you) asked to reset the password of your Gatehouse account.',
    `Open this link within ${RESET_TOKEN_TTL_MINUTES} minutes to choose a new password:`,
    '',
    link,
    '',
    'If you did not ask for this, ignore this mail: your password stays as it is.',
  ].join('\n');
}

/**
 * Starts a reset for `email` if such an account exists; says nothing either way. The token is
 * random (32 bytes), stored only as its SHA-256, and leaves the process only inside the mail.
 */
export async function requestReset(
  deps: AppDeps,
  mail: MailTransport,
  email: string,
  requestId: string,
): Promise<void> {
  const floor = new Promise((r) => setTimeout(r, RESET_MIN_RESPONSE_MS));
  const [user] = await deps.db.select({ id: users.id, name: users.name }).from(users).where(eq(users.email, email));
  if (user) {
    const token = newOpaqueToken();
    const now = deps.now();
    await deps.db.insert(passwordResets).values({
      userId: user.id,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + RESET_TOKEN_TTL_MINUTES * 60_000),
    });
    const delivery = mail
      .send({
        to: email,
        subject: 'Reset your Gatehouse password',
        text: resetMailText(user.name, resetLink(deps.env.PUBLIC_URL, token)),
      })
      .catch((e: Error) =>
        deps.log.error(
          { request_id: requestId, user_id: user.id, err: { message: e.message } },
          'password reset mail failed',
        ),
      );
    if (mail.local) await delivery;
    deps.log.info(
      { request_id: requestId, user_id: user.id, event: 'password_reset_requested' },
      'password reset requested',
    );
  }
  await floor;
}

/**
 * Sets a new password with a reset token, in one transaction: the token row is locked so it is
 * used once even under concurrent confirms; every other open reset of the user is closed; every
 * refresh family is revoked, so stolen sessions end with the password change.
 * Returns false for unknown, used and expired tokens (one answer for all three).
 */
export async function confirmReset(deps: AppDeps, token: string, password: string): Promise<{ userId: string } | null> {
  // scrypt first, outside the transaction: row locks are not held across ~80 ms of hashing.
  const passwordHash = await hashPassword(password);
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(passwordResets)
      .where(eq(passwordResets.tokenHash, hashToken(token)))
      .for('update');
    if (!row || row.usedAt || row.expiresAt.getTime() <= now.getTime()) return null;
    await tx.update(users).set({ passwordHash }).where(eq(users.id, row.userId));
    await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.userId, row.userId), isNull(passwordResets.usedAt)));
    await revokeAllOf(tx, row.userId, now);
    return { userId: row.userId };
  });
}
