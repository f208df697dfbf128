import { sql, eq, gte, gt, type SQL } from 'drizzle-orm';
import { scholarships as s } from '../db/schema/index.ts';
import type { Filters } from './query.ts';

/** Today as the UTC calendar day: a deadline is open through its whole day. */
export function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * WHERE conditions of the public catalog: published only, open only unless `include_closed`, and
 * each filter. An empty restriction array means "anyone", so it matches every filter value.
 */
export function filterConditions(f: Filters, day: string): SQL[] {
  const c: SQL[] = [eq(s.published, true)];
  if (!f.include_closed) c.push(gte(s.deadline, day));
  if (f.deadline_after) c.push(gt(s.deadline, f.deadline_after));
  if (f.min_amount !== undefined) c.push(gte(s.amount, f.min_amount));
  if (f.level) c.push(sql`(${s.levels} = '{}' or ${f.level}::text = any(${s.levels}))`);
  if (f.field) c.push(sql`(${s.fields} = '{}' or ${f.field}::text = any(${s.fields}))`);
  if (f.state) c.push(sql`(${s.states} = '{}' or ${f.state}::text = any(${s.states}))`);
  return c;
}
