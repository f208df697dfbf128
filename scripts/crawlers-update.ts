/**
 * `npm run crawlers:update [-- --rules DIR]`: refreshes DIR/crawlers.json (default gateway/rules) from
 * each crawler operator's published JSON range file named in DIR/access.yaml (`ranges_url`).
 * All or nothing: every answer must be 200 and match the published shape (zod), and the result must
 * pass the crawlers.json schema; otherwise nothing is written and the command exits 1, so a broken or
 * hijacked answer never replaces the ranges the gateway trusts. Commit the changed file and deploy.
 */
import { readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { AccessRulesSchema } from '../gateway/src/config/schema/access.ts';
import {
  CrawlerRangesFileSchema,
  PublishedRangesSchema,
  publishedCidrs,
  type CrawlerRangesFile,
} from '../gateway/src/config/schema/crawler-ranges.ts';

/** An operator answer larger than this is not a range list. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** A fetched list with fewer than this share of the previous fetch's ranges needs --allow-shrink. */
const MIN_KEPT_SHARE = 0.5;

export interface UpdateOptions {
  rulesDir: string;
  allowShrink?: boolean;
  timeoutMs?: number;
  now?: Date;
}

export type UpdateResult =
  | { ok: true; file: string; operators: Record<string, number> }
  | { ok: false; errors: string[] };

async function fetchPublished(
  name: string,
  url: string,
  timeoutMs: number,
): Promise<{ cidrs: string[]; published: string | null } | string> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    return `${name}: ${url} could not be fetched (${(e as Error).message})`;
  }
  if (res.status !== 200) return `${name}: ${url} answered ${res.status}`;
  const text = await res.text();
  if (text.length > MAX_BODY_BYTES) return `${name}: ${url} answered ${text.length} bytes; not a range list`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `${name}: ${url} did not answer JSON (content-type ${res.headers.get('content-type') ?? 'none'})`;
  }
  const parsed = PublishedRangesSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return `${name}: ${url} has the wrong shape: ${issues}`;
  }
  return { cidrs: publishedCidrs(parsed.data), published: parsed.data.creationTime ?? null };
}

/** Fetches, checks and (only when everything is right) writes crawlers.json. */
export async function updateCrawlerRanges(opts: UpdateOptions): Promise<UpdateResult> {
  const access = AccessRulesSchema.parse(parseYaml(readFileSync(path.join(opts.rulesDir, 'access.yaml'), 'utf8')));
  const file = path.join(opts.rulesDir, 'crawlers.json');
  const previous: CrawlerRangesFile | null = existsSync(file)
    ? CrawlerRangesFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
    : null;
  const now = (opts.now ?? new Date()).toISOString();
  const errors: string[] = [];
  const next: CrawlerRangesFile = { version: 1, operators: {} };
  for (const op of access.crawlers.operators) {
    if (!op.ranges_url) continue;
    const got = await fetchPublished(op.name, op.ranges_url, opts.timeoutMs ?? 15_000);
    if (typeof got === 'string') {
      errors.push(got);
      continue;
    }
    const before = previous?.operators[op.name];
    if (before?.fetched_at && !opts.allowShrink && got.cidrs.length < before.cidrs.length * MIN_KEPT_SHARE) {
      errors.push(
        `${op.name}: ${got.cidrs.length} ranges, down from ${before.cidrs.length}; rerun with --allow-shrink if that is right`,
      );
      continue;
    }
    next.operators[op.name] = { source: op.ranges_url, fetched_at: now, published_at: got.published, cidrs: got.cidrs };
  }
  if (Object.keys(next.operators).length === 0 && errors.length === 0)
    errors.push('no operator in access.yaml has a ranges_url');
  const checked = CrawlerRangesFileSchema.safeParse(next);
  if (!checked.success)
    errors.push(...checked.error.issues.map((i) => `crawlers.json ${i.path.join('.')}: ${i.message}`));
  if (errors.length) return { ok: false, errors };
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(checked.data, null, 2) + '\n');
  renameSync(tmp, file);
  return {
    ok: true,
    file,
    operators: Object.fromEntries(Object.entries(next.operators).map(([k, v]) => [k, v.cidrs.length])),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { rules: { type: 'string' }, 'allow-shrink': { type: 'boolean' } } });
  const result = await updateCrawlerRanges({
    rulesDir: values.rules ?? 'gateway/rules',
    allowShrink: values['allow-shrink'],
  });
  if (result.ok) {
    console.log(
      `crawlers:update: wrote ${result.file}: ${Object.entries(result.operators)
        .map(([k, n]) => `${k} ${n} ranges`)
        .join(', ')}`,
    );
  } else {
    for (const e of result.errors) console.error(`crawlers:update: ${e}`);
    console.error('crawlers:update: nothing written');
    process.exitCode = 1;
  }
}
