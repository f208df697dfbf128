/**
 * `npm run deploy:gateway -- --env staging|production [--dry-run]`: checks an environment of
 * wrangler.toml, then deploys the gateway with wrangler. Checks, in order (any failure stops
 * before anything ships):
 *  - the environment exists, with a route and an https BACKEND_URL;
 *  - the rule files pass `waf lint`;
 *  - every secret in GATEWAY_SECRETS is set on Cloudflare (`wrangler secret list`). With
 *    --dry-run, which needs no Cloudflare account (CI runs it), the list is printed instead and
 *    the Worker is only bundled (`wrangler deploy --dry-run`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseToml } from 'smol-toml';

/** Secrets the Worker reads; never in wrangler.toml. */
export const GATEWAY_SECRETS = [
  'GATEWAY_SHARED_SECRET',
  'UPSTASH_REDIS_REST_URL',
  'UPSTASH_REDIS_REST_TOKEN',
  'GATEWAY_METRICS_TOKEN',
] as const;

interface WranglerEnv {
  name?: string;
  routes?: unknown[];
  vars?: Record<string, string>;
}

/** Problems with environment `name` of the wrangler.toml text; [] when it is deployable. */
export function checkEnvironment(tomlText: string, name: string): string[] {
  const config = parseToml(tomlText) as { env?: Record<string, WranglerEnv> };
  const env = config.env?.[name];
  if (!env) return [`wrangler.toml has no [env.${name}] (have: ${Object.keys(config.env ?? {}).join(', ') || 'none'})`];
  const problems: string[] = [];
  if (!env.routes?.length) problems.push(`[env.${name}] has no routes`);
  const backend = env.vars?.BACKEND_URL;
  if (!backend) problems.push(`[env.${name}.vars] has no BACKEND_URL`);
  else if (!backend.startsWith('https://')) problems.push(`[env.${name}.vars] BACKEND_URL must be https (${backend})`);
  for (const secret of GATEWAY_SECRETS)
    if (env.vars && secret in env.vars) problems.push(`${secret} is a secret: remove it from [env.${name}.vars]`);
  return problems;
}

/** Secrets of GATEWAY_SECRETS missing from `wrangler secret list --format json` output. */
export function missingSecrets(listJson: string): string[] {
  const present = new Set((JSON.parse(listJson) as { name: string }[]).map((s) => s.name));
  return GATEWAY_SECRETS.filter((s) => !present.has(s));
}

function wrangler(args: string[], capture = false): string {
  const out = execFileSync(process.execPath, [path.resolve('node_modules/wrangler/bin/wrangler.js'), ...args], {
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    encoding: 'utf8',
  });
  return out ?? '';
}

function main(): void {
  const { values } = parseArgs({
    options: { env: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
  });
  const env = values.env;
  if (!env) throw new Error('--env is required (staging or production)');
  const dry = values['dry-run'];
  const step = (what: string) => console.log(`deploy:gateway [${env}] ${what}`);

  step('checking wrangler.toml');
  const problems = checkEnvironment(readFileSync('wrangler.toml', 'utf8'), env);
  if (problems.length) throw new Error(problems.join('\n'));

  step('linting the rule files');
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/waf.ts', 'lint'], { stdio: 'inherit' });

  if (dry) {
    step(`dry run: not checking Cloudflare for the secrets; each must be set with`);
    for (const s of GATEWAY_SECRETS) console.log(`  wrangler secret put ${s} --env ${env}`);
  } else {
    step('checking secrets on Cloudflare');
    const missing = missingSecrets(wrangler(['secret', 'list', '--env', env, '--format', 'json'], true));
    if (missing.length)
      throw new Error(`missing secrets: ${missing.map((s) => `wrangler secret put ${s} --env ${env}`).join('; ')}`);
  }

  step(dry ? 'bundling (wrangler deploy --dry-run)' : 'deploying');
  wrangler(['deploy', '--env', env, ...(dry ? ['--dry-run', '--outdir', `.wrangler/deploy-${env}`] : [])]);
  step(dry ? 'dry run OK: nothing was uploaded' : 'deployed');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (e) {
    console.error(`deploy:gateway: ${(e as Error).message}`);
    process.exit(1);
  }
}
