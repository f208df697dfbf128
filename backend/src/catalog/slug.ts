/** Longest slug we generate; URLs stay readable and well under crawler limits. */
const MAX_SLUG_BASE = 80;

/** `"Baker Memorial — Nursing Award"` → `baker-memorial-nursing-award` (ASCII, lower-case). */
export function slugify(title: string): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_BASE)
    .replace(/-+$/g, '');
  return base || 'scholarship';
}
