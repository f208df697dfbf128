import { Hono } from 'hono';
import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../deps.ts';
import { mailbox } from '../db/schema/index.ts';
import { ProblemError } from '../http/problem.ts';
import { readQuery } from '../http/validate.ts';
import { Email } from '../auth/schemas.ts';
import { devMailboxEnabled } from './index.ts';
import { loopbackClient } from './loopback-client.ts';

/** The newest few are what a developer or a test looks for. */
const MAILBOX_LIMIT = 20;

const MailboxQuery = z.strictObject({ to: Email });

/**
 * `GET /api/dev/mailbox?to=email`: the newest mails the dev transport stored for that address,
 * newest first. Exists only when `devMailboxEnabled` (development, no SMTP_URL; loopback PUBLIC_URL
 * or DEV_MAILBOX=true); otherwise 404 as if it never existed. Reset links are credentials, so even
 * then only a client on this machine may read them: 403 for any other (`loopbackClient`).
 */
export function devMailboxRoutes(deps: AppDeps) {
  const app = new Hono();
  const enabled = devMailboxEnabled(deps.env);
  app.get('/api/dev/mailbox', async (c) => {
    if (!enabled) throw new ProblemError('NOT_FOUND');
    if (!loopbackClient(c)) throw new ProblemError('FORBIDDEN', 'The dev mailbox answers clients on this machine only');
    const { to } = readQuery(c, MailboxQuery);
    const rows = await deps.db
      .select()
      .from(mailbox)
      .where(eq(mailbox.toAddress, to))
      .orderBy(desc(mailbox.createdAt), desc(mailbox.id))
      .limit(MAILBOX_LIMIT);
    c.header('cache-control', 'no-store');
    return c.json({
      items: rows.map((m) => ({
        id: m.id,
        to: m.toAddress,
        subject: m.subject,
        body: m.body,
        created_at: m.createdAt.toISOString(),
      })),
      next_cursor: null,
    });
  });
  return app;
}
