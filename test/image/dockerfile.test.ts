/**
 * The Dockerfile cannot rot: Docker is not on our machines, so this replays its build and backend
 * stages in clean folders (COPY from the checkout or the build stage, RUN in the folder), starts
 * the image's CMD as an unprivileged user with the image's ENV, and waits for its HEALTHCHECK.
 * The release step (`node dist/db-migrate.js`) migrates an empty database first.
 */
import { exec, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSigningJwk } from '../../backend/src/auth/keys.ts';
import { parseDockerfile, type Stage } from '../support/dockerfile.ts';
import { adminSql, urlFor } from '../support/pg.ts';
import { freePort } from '../support/stack.ts';

const stages = parseDockerfile(readFileSync('Dockerfile', 'utf8'));
const roots = new Map<string, string>();
const envOf = new Map<string, Record<string, string>>();
let server: ChildProcess | undefined;
const dbName = `gh_docker_${process.pid}`;

const sh = promisify(exec);

/** Replays one stage's filesystem steps in a fresh folder; returns that folder. */
async function replay(stage: Stage): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), `gatehouse-image-${stage.name}-`));
  chmodSync(root, 0o755);
  const env: Record<string, string> = {};
  for (const step of stage.steps) {
    if (step.op === 'ENV') env[step.key] = step.value;
    if (step.op === 'COPY') {
      const from = step.from ? roots.get(step.from) : process.cwd();
      if (!from) throw new Error(`COPY --from=${step.from}: no such earlier stage`);
      for (const src of step.sources) {
        const target = step.dest.endsWith('/')
          ? path.join(root, step.dest, path.basename(src))
          : path.join(root, step.dest);
        mkdirSync(path.dirname(target), { recursive: true });
        cpSync(path.join(from, src.replace(/^\/app\//, '')), target, { recursive: true });
      }
    }
    if (step.op === 'RUN') await sh(step.command, { cwd: root, env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  }
  roots.set(stage.name, root);
  envOf.set(stage.name, env);
  return root;
}

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  const sql = adminSql();
  await sql.unsafe(`drop database if exists "${dbName}" with (force)`);
  await sql.end();
});

describe('Dockerfile', () => {
  it('has a build and a backend stage, non-root, with a health check on /readyz', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'backend']);
    const backend = stages[1].steps;
    expect(backend).toContainEqual({ op: 'USER', arg: 'node' });
    expect(backend.find((s) => s.op === 'HEALTHCHECK')).toMatchObject({ command: expect.stringContaining('/readyz') });
    expect(backend.find((s) => s.op === 'RUN')).toMatchObject({ command: expect.stringContaining('--omit=dev') });
  });

  it('builds, migrates an empty database and serves healthy from the built image folder', async () => {
    for (const stage of stages) await replay(stage);
    const root = roots.get('backend')!;
    const env = envOf.get('backend')!;
    const admin = adminSql();
    await admin.unsafe(`create database "${dbName}"`);
    await admin.end();
    const port = await freePort();
    const runtimeEnv = {
      PATH: process.env.PATH ?? '',
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: urlFor(dbName),
      GATEWAY_SHARED_SECRET: 'docker-test-secret-0123456789',
      JWT_PRIVATE_JWK: JSON.stringify(await generateSigningJwk()),
      SEED_DEMO: 'false',
      DATA_DIR: path.join(root, 'data'),
    };
    // The image's user: `node` there; here an unprivileged uid proves nothing needs root.
    const unprivileged = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    await sh(`${process.execPath} dist/db-migrate.js`, { cwd: root, env: runtimeEnv, ...unprivileged });
    const cmd = stages[1].steps.find((s) => s.op === 'CMD')!;
    const health = stages[1].steps.find((s) => s.op === 'HEALTHCHECK')!;
    if (cmd.op !== 'CMD' || health.op !== 'HEALTHCHECK') throw new Error('unreachable');
    server = spawn(cmd.argv[0] === 'node' ? process.execPath : cmd.argv[0], cmd.argv.slice(1), {
      cwd: root,
      env: runtimeEnv,
      stdio: ['ignore', 'ignore', 'inherit'],
      ...unprivileged,
    });
    const deadline = Date.now() + 30_000;
    let healthy = false;
    while (!healthy && Date.now() < deadline) {
      try {
        await sh(health.command, { cwd: root, env: runtimeEnv });
        healthy = true;
      } catch {
        expect(server.exitCode, 'the server exited').toBeNull();
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(healthy).toBe(true);
    const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { migrations: number };
    expect(ready.migrations).toBeGreaterThan(0);
  }, 300_000);
});

describe('compose.yaml', () => {
  const compose = parseYaml(readFileSync('compose.yaml', 'utf8'), { merge: true }) as {
    services: Record<string, { build?: { target?: string }; command?: string[] }>;
  };

  it('builds only targets the Dockerfile has, and runs migrations as a separate release step', () => {
    const targets = new Set(stages.map((s) => s.name));
    for (const [name, svc] of Object.entries(compose.services))
      if (svc.build) expect(targets.has(svc.build.target ?? ''), `${name} target`).toBe(true);
    expect(compose.services.migrate.command).toEqual(['node', 'dist/db-migrate.js']);
    expect(Object.keys(compose.services).filter((s) => s.startsWith('backend-'))).toHaveLength(2);
  });

  it('names only variables the deployment guide documents', () => {
    const guide = readFileSync('docs/deploy.md', 'utf8');
    const vars = [...readFileSync('compose.yaml', 'utf8').matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]);
    for (const v of new Set(vars)) expect(guide, v).toContain(`\`${v}\``);
  });
});
