import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkEnvironment, GATEWAY_SECRETS, missingSecrets } from './deploy-gateway.ts';

const shipped = readFileSync('wrangler.toml', 'utf8');

describe('deploy:gateway checks', () => {
  it.each(['staging', 'production'])('the shipped %s environment is deployable', (env) => {
    expect(checkEnvironment(shipped, env)).toEqual([]);
  });

  it('refuses an unknown environment, naming the ones there are', () => {
    expect(checkEnvironment(shipped, 'qa')[0]).toMatch(/no \[env\.qa\].*staging, production/);
  });

  it('refuses a plain-http origin and a secret written into vars', () => {
    // Only the [env.production.vars] section changes (the top-level [vars] has its own BACKEND_URL).
    const at = shipped.indexOf('[env.production.vars]');
    const section = shipped
      .slice(at)
      .replace('BACKEND_URL = "https://origin.gatehouse.example"', 'BACKEND_URL = "http://origin.gatehouse.example"')
      .replace('RATE_LIMIT_PREFIX = "production"', 'RATE_LIMIT_PREFIX = "production"\nGATEWAY_SHARED_SECRET = "oops"');
    const bad = shipped.slice(0, at) + section;
    const problems = checkEnvironment(bad, 'production');
    expect(problems).toContain('[env.production.vars] BACKEND_URL must be https (http://origin.gatehouse.example)');
    expect(problems).toContain('GATEWAY_SHARED_SECRET is a secret: remove it from [env.production.vars]');
  });

  it('lists the secrets Cloudflare does not have', () => {
    const some = JSON.stringify([{ name: 'GATEWAY_SHARED_SECRET', type: 'secret_text' }]);
    expect(missingSecrets(some)).toEqual(GATEWAY_SECRETS.filter((s) => s !== 'GATEWAY_SHARED_SECRET'));
    expect(missingSecrets(JSON.stringify(GATEWAY_SECRETS.map((name) => ({ name }))))).toEqual([]);
  });

  it('a dry run bundles the staging Worker without uploading', () => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/deploy-gateway.ts', '--env', 'staging', '--dry-run'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(out).toContain('wrangler secret put GATEWAY_SHARED_SECRET --env staging');
    expect(out).toContain('dry run OK: nothing was uploaded');
  }, 60_000);
});
