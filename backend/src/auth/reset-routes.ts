import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';
import { ProblemError } from '../http/problem.ts';
import { readJson } from '../http/validate.ts';
import type { MailTransport } from '../mail/index.ts';
import { confirmReset, requestReset } from './password-reset.ts';
import { ResetConfirmBody, ResetRequestBody } from './schemas.ts';

/** `POST /api/auth/password-reset` (always 202) and `/confirm` (204 or 400 RESET_TOKEN_INVALID). */
export function resetApiRoutes(deps: AppDeps, mail: MailTransport) {
  const app = new Hono();

  app.post('/api/auth/password-reset', async (c) => {
    const { email } = await readJson(c, ResetRequestBody);
    await requestReset(deps, mail, email, c.get('requestId'));
    return c.json(
      { status: 'accepted', detail: 'If an account exists for this email, a reset link is on its way.' },
      202,
    );
  });

  app.post('/api/auth/password-reset/confirm', async (c) => {
    const body = await readJson(c, ResetConfirmBody);
    const done = await confirmReset(deps, body.token, body.password);
    if (!done)
      throw new ProblemError('RESET_TOKEN_INVALID', 'Ask for a new reset link', [
        { path: 'token', message: 'is invalid, used or expired' },
      ]);
    deps.log.info(
      { request_id: c.get('requestId'), user_id: done.userId, event: 'password_reset' },
      'password reset; all sessions revoked',
    );
    return c.body(null, 204);
  });

  return app;
}
