import type { Obj } from './state.ts';

/** Stripe list pagination: newest first, `limit` (1-100, default 10), `starting_after`, `created[gte|lte|gt|lt]`. */
export function stripeList(items: Obj[], params: Record<string, unknown>, url: string): Record<string, unknown> {
  let data = [...items].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
  const created = params.created;
  if (created && typeof created === 'object') {
    const c = created as Record<string, string>;
    data = data.filter(
      (o) =>
        (c.gte === undefined || o.created >= Number(c.gte)) &&
        (c.gt === undefined || o.created > Number(c.gt)) &&
        (c.lte === undefined || o.created <= Number(c.lte)) &&
        (c.lt === undefined || o.created < Number(c.lt)),
    );
  } else if (created !== undefined) {
    data = data.filter((o) => o.created === Number(created));
  }
  if (typeof params.starting_after === 'string') {
    const i = data.findIndex((o) => o.id === params.starting_after);
    data = i >= 0 ? data.slice(i + 1) : [];
  }
  const limit = Math.min(Math.max(Number(params.limit ?? 10) || 10, 1), 100);
  return { object: 'list', data: data.slice(0, limit), has_more: data.length > limit, url };
}

/**
 * The subset of Stripe's search query language we use: clauses `field:'value'` or
 * `metadata['key']:'value'` joined by AND.
 */
export function stripeSearch(items: Obj[], params: Record<string, unknown>, url: string): Record<string, unknown> {
  const query = String(params.query ?? '');
  const clauses = query
    .split(/\s+AND\s+/i)
    .filter(Boolean)
    .map((c) => {
      const m = /^(?:metadata\[['"]([^'"]+)['"]\]|(\w+)):['"]([^'"]*)['"]$/.exec(c.trim());
      if (!m) throw new Error(`unsupported search clause: ${c}`);
      return { meta: m[1], field: m[2], value: m[3] };
    });
  const data = items
    .filter((o) =>
      clauses.every((c) =>
        c.meta
          ? (o.metadata as Record<string, string> | undefined)?.[c.meta] === c.value
          : String(o[c.field!]) === c.value,
      ),
    )
    .sort((a, b) => b.created - a.created);
  const limit = Math.min(Math.max(Number(params.limit ?? 10) || 10, 1), 100);
  return {
    object: 'search_result',
    data: data.slice(0, limit),
    has_more: data.length > limit,
    next_page: null,
    url,
    total_count: data.length,
  };
}
