import { eq, sql } from 'drizzle-orm';
import { scholarships as s, providers as p } from '../db/schema/index.ts';

/** Characters of plain description shown in list items. */
const SUMMARY_LENGTH = 240;

/** Columns every catalog query selects (the row shape `toItem` turns into JSON). */
export const itemColumns = {
  id: s.id,
  slug: s.slug,
  title: s.title,
  description: s.description,
  amount: s.amount,
  deadline: s.deadline,
  levels: s.levels,
  fields: s.fields,
  minGpa: s.minGpa,
  states: s.states,
  citizenship: s.citizenship,
  essayRequired: s.essayRequired,
  published: s.published,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
  providerId: p.id,
  providerName: p.name,
  providerSlug: p.slug,
  /** Exact creation time in microseconds: the `newest` keyset (JS Dates stop at milliseconds). */
  createdUs: sql<number>`(extract(epoch from ${s.createdAt}) * 1000000)::bigint`.mapWith(Number),
};
export const providerJoin = eq(p.id, s.providerId);

export interface ItemRow {
  id: string;
  slug: string;
  title: string;
  description: string;
  amount: number;
  deadline: string;
  levels: string[];
  fields: string[];
  minGpa: string | null;
  states: string[];
  citizenship: string[];
  essayRequired: boolean;
  published: boolean;
  createdAt: Date;
  updatedAt: Date;
  providerId: string;
  providerName: string;
  providerSlug: string;
  createdUs: number;
}

/** Elements whose content is code, not description text. */
const CODE_ELEMENTS = /^<\s*(script|style|template|svg|math|iframe|object|noscript|textarea|title)\b/i;

/** Plain text of a stored description (which may hold basic HTML): tags and script-like content dropped. */
export function plainText(html: string): string {
  let out = '';
  let i = 0;
  let lower: string | undefined;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out += html.slice(i);
      break;
    }
    out += html.slice(i, lt);
    const gt = html.indexOf('>', lt);
    if (gt < 0) {
      out += html.slice(lt);
      break;
    }
    const code = CODE_ELEMENTS.exec(html.slice(lt, Math.min(gt + 1, lt + 40)));
    i = gt + 1;
    if (code) {
      const close = (lower ??= html.toLowerCase()).indexOf(`</${code[1].toLowerCase()}`, i);
      i = close < 0 ? html.length : Math.max(i, html.indexOf('>', close) + 1 || html.length);
    }
    out += ' ';
  }
  return out.replace(/\s+/g, ' ').trim();
}

function summary(description: string): string {
  const text = plainText(description);
  if (text.length <= SUMMARY_LENGTH) return text;
  const cut = text.slice(0, SUMMARY_LENGTH);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), SUMMARY_LENGTH - 40))}…`;
}

/** A list item in API JSON (snake_case). */
export function toItem(r: ItemRow) {
  return {
    id: r.id,
    slug: r.slug,
    url: `/scholarships/${r.slug}`,
    title: r.title,
    summary: summary(r.description),
    provider: { id: r.providerId, slug: r.providerSlug, name: r.providerName },
    amount: r.amount,
    deadline: r.deadline,
    levels: r.levels,
    fields: r.fields,
    min_gpa: r.minGpa === null ? null : Number(r.minGpa),
    states: r.states,
    citizenship: r.citizenship,
    essay_required: r.essayRequired,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
export type Item = ReturnType<typeof toItem>;

/** The detail view: the item plus the full description as stored (may contain basic HTML). */
export function toDetail(r: ItemRow) {
  return { ...toItem(r), description: r.description };
}
