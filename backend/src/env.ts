import { z } from 'zod';
import { DEFAULT_SCRYPT_LOG2N } from './auth/password.ts';

/**
 * Every environment variable the backend reads, validated once at start. A bad value stops the
 * process with a message naming the variable (see `loadEnv`). Documented in README.md.
 */
const EnvSchema = z
  .object({
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(1).max(65535).default(8788),
    /** Postgres URL; unset → embedded PGlite under DATA_DIR. */
    DATABASE_URL: z.string().url().optional(),
    /** Owner of the schema, for migrations and demo data; unset → DATABASE_URL (docs/deploy-trust.md). */
    MIGRATION_DATABASE_URL: z.string().url().optional(),
    DATA_DIR: z.string().default('.data'),
    /** Connections per backend process; with many processes keep the sum under the server's (or pooler's) limit. */
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    /**
     * Server-side prepared statements. Turn off behind a transaction-mode pooler that cannot keep
     * them (PgBouncer before 1.21, or without max_prepared_statements).
     */
    DATABASE_PREPARE: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /**
     * Send a connection's next statement before the last one answered (postgres.js pipelining). Turn
     * off behind a transaction-mode pooler: PgBouncer 1.18 hands the server to another client when a
     * statement ends outside a transaction and loses the answer to the one pipelined behind it, a
     * query that never returns (backend/src/db/pgbouncer.test.ts, db/no-pipelining.ts).
     */
    DATABASE_PIPELINE: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** Apply migrations at start. Production turns this off and runs `npm run db:migrate` as a release step. */
    MIGRATE_ON_START: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** On SIGTERM, how long in-flight requests (payment phases included) may take to finish before exit. */
    SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(20),
    /** Where users reach the product (links in mail, sitemap, canonical URLs). */
    PUBLIC_URL: z.string().url().default('http://127.0.0.1:8787'),
    /** HMAC secret shared with the gateway; `npm start` generates one per run when unset. */
    GATEWAY_SHARED_SECRET: z.string().min(16).optional(),
    /** Refuse requests without a valid gateway signature (health probes excepted). */
    REQUIRE_GATEWAY_SIGNATURE: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** ES256 private key as a JWK (JSON); unset → generated on first start under DATA_DIR/keys. */
    JWT_PRIVATE_JWK: z.string().optional(),
    JWT_ISSUER: z.string().default('gatehouse'),
    JWT_AUDIENCE: z.string().default('gatehouse-api'),
    /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465; unset → dev mailbox transport. */
    SMTP_URL: z
      .string()
      .url()
      .refine((u) => /^smtps?:\/\//.test(u), 'must start with smtp:// or smtps://')
      .optional(),
    /** Sender of outgoing mail; unset → no-reply@<PUBLIC_URL host>. */
    MAIL_FROM: z.string().email().optional(),
    /** Shown on /contact and error pages as where people can write; unset → support@<PUBLIC_URL host>. */
    SUPPORT_EMAIL: z.string().email().optional(),
    /** Serve GET /api/dev/mailbox (never without SMTP_URL unset, never in production); unset → on for a loopback PUBLIC_URL. */
    DEV_MAILBOX: z.enum(['true', 'false']).optional(),
    /** `production` turns development-only features off for good (the dev mailbox); NODE_ENV=production does too. */
    APP_ENV: z.enum(['development', 'test', 'production']).optional(),
    NODE_ENV: z.string().optional(),
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_/, 'must look like sk_test_… or sk_live_…')
      .optional(),
    STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_', 'must start with whsec_').optional(),
    STRIPE_API_BASE: z.string().url().optional(),
    /** How long finished Idempotency-Key records are kept (hours, 24-72); older ones are purged. */
    IDEMPOTENCY_RETENTION_HOURS: z.coerce.number().int().min(24).max(72).default(48),
    /** A payment request holding its Idempotency-Key lock longer than this is presumed dead and taken over. */
    IDEMPOTENCY_LOCK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    /** How often unfinished purchases and refunds are settled by asking the PSP. */
    PAYMENTS_RECOVERY_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    /** TEST ONLY: SIGKILL the process right after this purchase recovery point commits (crash tests). */
    PAYMENTS_CRASH_AT: z
      .enum([
        'started',
        'purchase_created',
        'payment_intent_created',
        'finished',
        'refund.started',
        'refund.refund_created',
        'refund.psp_refund_created',
        'refund.finished',
      ])
      .optional(),
    /** Bearer token for GET /metrics (Prometheus text); unset → /metrics answers 404. */
    METRICS_TOKEN: z.string().min(16).optional(),
    /** The gateway's exposition (…/__gateway/metrics) and its token, scraped for the dashboard's gateway panels. */
    GATEWAY_METRICS_URL: z.string().url().optional(),
    GATEWAY_METRICS_TOKEN: z.string().min(1).optional(),
    /** Workers Analytics Engine SQL API (production gateway panels): account id, API token, dataset. */
    ANALYTICS_ENGINE_ACCOUNT_ID: z.string().min(1).optional(),
    ANALYTICS_ENGINE_API_TOKEN: z.string().min(1).optional(),
    ANALYTICS_ENGINE_DATASET: z
      .string()
      .regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _ only')
      .default('gatehouse_gateway'),
    ANALYTICS_ENGINE_SQL_URL: z.string().url().optional(),
    /** The status strip's thresholds (zod-validated YAML). */
    OPS_ALERTS_FILE: z.string().default('ops/alerts.yaml'),
    /** Addresses (IPs or CIDRs, comma-separated) allowed to open /status without an admin login (QA). */
    OPS_STATUS_ALLOWLIST: z.string().default(''),
    /** Minutes between the backend's own reconciliations (last 24 h); 0 turns them off. */
    RECONCILE_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(1440).default(15),
    /** scrypt cost of new password hashes, N=2^value (12-20); below 15 only outside production (the tests use 12). */
    PASSWORD_SCRYPT_LOG2N: z.coerce.number().int().min(12).max(20).default(DEFAULT_SCRYPT_LOG2N),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Load demo data on first start when the database is empty. */
    SEED_DEMO: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
  })
  .superRefine((env, ctx) => {
    if (env.DEV_MAILBOX === 'true' && (env.APP_ENV === 'production' || env.NODE_ENV === 'production')) {
      ctx.addIssue({ code: 'custom', path: ['DEV_MAILBOX'], message: 'the dev mailbox never runs in production' });
    }
    if (env.PASSWORD_SCRYPT_LOG2N < DEFAULT_SCRYPT_LOG2N && isProduction(env)) {
      ctx.addIssue({
        code: 'custom',
        path: ['PASSWORD_SCRYPT_LOG2N'],
        message: `below ${DEFAULT_SCRYPT_LOG2N} is for tests only, never production`,
      });
    }
    if (env.MIGRATION_DATABASE_URL && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['MIGRATION_DATABASE_URL'],
        message: 'needs DATABASE_URL too (the embedded database has no separate owner URL)',
      });
    }
    if (env.REQUIRE_GATEWAY_SIGNATURE && !env.GATEWAY_SHARED_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['GATEWAY_SHARED_SECRET'],
        message: 'is required unless REQUIRE_GATEWAY_SIGNATURE=false',
      });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

/** Production, by APP_ENV or NODE_ENV: development-only features do not exist there. */
export function isProduction(env: Pick<Env, 'APP_ENV' | 'NODE_ENV'>): boolean {
  return env.APP_ENV === 'production' || env.NODE_ENV === 'production';
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const r = EnvSchema.safeParse(cleaned);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return r.data;
}
