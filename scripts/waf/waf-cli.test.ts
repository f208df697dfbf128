import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ruleFileSchemas } from './schema.ts';

/** `npm run waf -- …` as the security team runs it: scripts/waf.ts through tsx's loader, in a child process. */
const waf = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/waf.ts', ...args], {
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });

function rulesCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'waf-rules-'));
  cpSync('gateway/rules', dir, { recursive: true });
  return dir;
}

describe('npm run waf', { timeout: 180_000 }, () => {
  it('schema: the committed JSON Schemas are up to date', () => {
    for (const [name, text] of Object.entries(ruleFileSchemas())) {
      expect(
        readFileSync(path.join('gateway/rules/schema', name), 'utf8'),
        `${name} is stale: run npm run waf -- schema`,
      ).toBe(text);
    }
  });
  it('every rule file names its schema for editors', () => {
    expect(readFileSync('gateway/rules/waf.yaml', 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\/schema\/waf\.schema\.json/,
    );
  });
  it('lint fails on a loopback CORS origin in the production rules (it belongs in development.yaml)', () => {
    const dir = rulesCopy();
    const f = path.join(dir, 'access.yaml');
    const good = readFileSync(f, 'utf8');
    writeFileSync(f, good.replace('allowed_origins:\n', 'allowed_origins:\n    - http://localhost:8787\n'));
    const bad = waf(['lint', '--rules', dir]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/access\.yaml cors\.allowed_origins\[0\]: http:\/\/localhost:8787 is a loopback origin/);
  });
  it('lint fails on an invalid file, naming it; warns about expired entries and empty exclusions', () => {
    const dir = rulesCopy();
    const f = path.join(dir, 'waf.yaml');
    const good = readFileSync(f, 'utf8');
    writeFileSync(f, good.replace('paranoia: 1', 'paranoia: 7'));
    const bad = waf(['lint', '--rules', dir]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/waf\.yaml paranoia/);
    writeFileSync(
      f,
      good
        .replace(
          'rule_overrides: []',
          `rule_overrides: []
  # appended by the test
`,
        )
        .replace(
          /exclusions:\n/,
          `exclusions:
  - id: old-one
    reason: tuning that should have ended
    routes: [/api/me/profile]
    fields: [{ json: $.bio, format: search }]
    expires: 2020-01-31
  - id: nothing-here
    reason: the route takes no POST
    remove: [ldap]
    routes: [/healthz]
    methods: [POST]
    fields: [{ query: x, format: secret }]
`,
        ),
    );
    const warn = waf(['lint', '--rules', dir]);
    expect(warn.stderr).toMatch(/old-one: expired on 2020-01-31/);
    expect(warn.stderr).toMatch(/nothing-here: its routes do not allow methods POST/);
    // An invalid exclusion fails lint, named by its id: in the schema and in what its format allows.
    writeFileSync(f, good.replace('- { query: q, format: search }', '- { query: q, format: phone }'));
    const badFormat = waf(['lint', '--rules', dir]);
    expect(badFormat.status).not.toBe(0);
    expect(badFormat.stderr).toMatch(/exclusions\[\d+\]\.fields\[0\]\.format \(id search-text-not-sql\)/);
    writeFileSync(
      f,
      good.replace('- { query: q, format: search }', '- { query: q, format: search }\n    remove: [xss]'),
    );
    const tooMuch = waf(['lint', '--rules', dir]);
    expect(tooMuch.status).not.toBe(0);
    expect(tooMuch.stderr).toMatch(
      /exclusions search-text-not-sql: query:q \(format search\) can only have sqli removed/,
    );
  });
  it('replay prints one JSON line per request and a summary on stderr', () => {
    const lines =
      [
        {
          id: 'a',
          method: 'GET',
          uri: '/api/search?q=%22low+income%22+OR+grad',
          headers: { Host: 'x.test' },
          body: null,
        },
        {
          id: 'b',
          method: 'POST',
          uri: '/api/x',
          headers: { Host: 'x.test', 'Content-Type': 'application/x-www-form-urlencoded' },
          body: "name=x'+UNION+SELECT+password+FROM+users--",
        },
        {
          id: 'c',
          method: 'GET',
          uri: '/api/x?to=%3Cscript%3Ealert(1)%3C/script%3E',
          headers: { Host: 'x.test' },
          body: null,
        },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n') + '\nnot json\n';
    const r = waf(['replay', '-'], lines);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((o) => [o.id, o.would_block, o.action])).toEqual([
      ['a', false, 'allow'],
      ['b', true, 'block'],
      ['c', true, 'monitor'],
    ]);
    for (const o of out) expect(Object.keys(o)).toEqual(['id', 'would_block', 'action', 'score', 'rules']);
    expect(r.stderr).toMatch(/replayed 4 requests .* \(1 unreadable\): would_block 2; block 1, monitor 1, allow 1/);
    expect(r.status).toBe(1); // the unreadable line
  });
  it('explain shows fields, matches, score and decision; test runs the rule cases', () => {
    const e = waf(
      ['explain', '-'],
      JSON.stringify({
        method: 'POST',
        uri: '/api/auth/login',
        headers: { host: 'x.test', 'content-type': 'application/json' },
        body: JSON.stringify({ password: 'p\'; DROP--"<x>', name: "x' UNION SELECT 1--" }),
      }),
    );
    expect(e.status).toBe(0);
    expect(e.stdout).toMatch(/json\s+\$\.password/);
    expect(e.stdout).toMatch(/WAF_SQLI_\d{3}\s+sqli\/critical/);
    expect(e.stdout).toMatch(/score \d+ \/ threshold 5 → would_block=true {2}action=block/);
    const t = waf(['test']);
    expect(t.stdout).toMatch(/cases: \d+ passed, 0 failed/);
    expect(t.status).toBe(0);
  });
  it('unknown commands exit non-zero with usage', () => {
    const r = waf(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: npm run waf/);
  });
});
