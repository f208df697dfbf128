import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml, stringify } from 'yaml';
import { freePort } from '../test/support/stack.ts';
import { updateCrawlerRanges } from './crawlers-update.ts';
import { parseCrawlerRanges } from '../gateway/src/config/schema/crawler-ranges.ts';

const FIXTURES = path.resolve('test/fixtures/crawlers');
let server: Server;
let base: string;
let dir: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1);
    if (name === 'status-500') {
      res.writeHead(500).end('oops');
      return;
    }
    if (name === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in to continue</html>');
      return;
    }
    try {
      const body = readFileSync(path.join(FIXTURES, path.basename(name)));
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A rules dir with the shipped access.yaml pointed at the local server, and the shipped crawlers.json. */
function rulesDir(google: string, bing: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'crawlers-'));
  const access = parseYaml(readFileSync('gateway/rules/access.yaml', 'utf8'));
  access.crawlers.operators.find((o: { name: string }) => o.name === 'googlebot').ranges_url = `${base}/${google}`;
  access.crawlers.operators.find((o: { name: string }) => o.name === 'bingbot').ranges_url = `${base}/${bing}`;
  writeFileSync(path.join(d, 'access.yaml'), stringify(access));
  copyFileSync('gateway/rules/crawlers.json', path.join(d, 'crawlers.json'));
  return d;
}

const read = (d: string) => readFileSync(path.join(d, 'crawlers.json'), 'utf8');

describe('npm run crawlers:update', () => {
  beforeEach(() => {
    dir = rulesDir('googlebot.json', 'bingbot.json');
  });

  it("writes both operators' ranges when every answer has the published shape", async () => {
    const now = new Date('2026-11-27T10:00:00Z');
    const r = await updateCrawlerRanges({ rulesDir: dir, now });
    expect(r).toMatchObject({ ok: true, operators: { googlebot: 5, bingbot: 3 } });
    const data = parseCrawlerRanges(JSON.parse(read(dir)));
    expect(data.operators.googlebot).toEqual({
      source: `${base}/googlebot.json`,
      fetched_at: now.toISOString(),
      published_at: '2026-11-20T15:46:03.000000',
      cidrs: [
        '2001:4860:4801:10::/64',
        '2001:4860:4801:12::/64',
        '66.249.64.0/27',
        '66.249.64.32/27',
        '66.249.66.0/27',
      ],
    });
    expect(data.operators.bingbot.cidrs).toContain('40.77.167.0/24');
  });

  const refused: [string, string, RegExp][] = [
    ['a wrong-shape answer', 'wrong-shape.json', /googlebot: .* has the wrong shape/],
    ['a range covering everything', 'too-broad.json', /0\.0\.0\.0\/0.*broader than \/16/],
    ['a private range', 'private.json', /not a public range/],
    ['an empty list', 'empty.json', /no prefixes/],
    ['a 500', 'status-500', /answered 500/],
    ['a 200 HTML page', 'html', /did not answer JSON/],
    ['a 404', 'missing.json', /answered 404/],
  ];
  for (const [what, fixture, message] of refused) {
    it(`refuses ${what} and leaves crawlers.json as it was`, async () => {
      dir = rulesDir(fixture, 'bingbot.json');
      const before = read(dir);
      const r = await updateCrawlerRanges({ rulesDir: dir });
      expect(r.ok).toBe(false);
      expect(r.ok ? [] : r.errors.join('\n')).toMatch(message);
      expect(read(dir)).toBe(before);
    });
  }

  it('refuses a list that shrank by more than half since the last fetch, unless told', async () => {
    expect((await updateCrawlerRanges({ rulesDir: dir })).ok).toBe(true);
    const data = JSON.parse(read(dir));
    data.operators.googlebot.cidrs.push(...Array.from({ length: 20 }, (_, i) => `66.249.70.${i * 8}/29`));
    writeFileSync(path.join(dir, 'crawlers.json'), JSON.stringify(data));
    const before = read(dir);
    const r = await updateCrawlerRanges({ rulesDir: dir });
    expect(r.ok ? '' : r.errors.join()).toMatch(/googlebot: 5 ranges, down from 25/);
    expect(read(dir)).toBe(before);
    expect((await updateCrawlerRanges({ rulesDir: dir, allowShrink: true })).ok).toBe(true);
  });

  it('the command exits 1 and names the problem on a wrong shape', async () => {
    dir = rulesDir('wrong-shape.json', 'bingbot.json');
    const before = read(dir);
    const run = promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      'scripts/crawlers-update.ts',
      '--rules',
      dir,
    ]);
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/wrong shape[\s\S]*nothing written/),
    });
    expect(read(dir)).toBe(before);
  });
});
