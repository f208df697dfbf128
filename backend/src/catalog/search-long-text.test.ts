import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestBackend, type TestBackend } from '../../../test/support/backend.ts';
import { addProvider, addScholarship, TEST_DAY, TEST_NOW } from '../../../test/support/catalog-fixtures.ts';
import { SearchQuery } from './query.ts';
import { searchScholarships } from './search.ts';

/**
 * Snippets and summaries are made from a description's first 2,000 characters (search.ts
 * SNIPPET_SOURCE_CHARS): ts_headline's cost grows with the text it is given, and descriptions may
 * hold 20,000 characters. Matching and ranking still read the whole description.
 */
let t: TestBackend;
const FILLER = 'Applicants describe their studies and their plans for the coming years. ';

beforeAll(async () => {
  t = await createTestBackend({ now: TEST_NOW });
  const p = await addProvider(t.deps.db);
  await addScholarship(t.deps.db, p.id, {
    title: 'Long Description Award',
    slug: 'long-description-award',
    // 1,971 characters of filler, "quetzal" just before the 2,000-character cut, which splits the
    // link's tag, and "axolotl" only after ~19,000 characters.
    description: `${FILLER.repeat(27)}The quetzal prize. <a href="https://example.test/${'x'.repeat(100)}">link</a> ${FILLER.repeat(240)}The axolotl fund.`,
  });
});
afterAll(() => t?.close());

const hit = async (q: string) => {
  const page = await searchScholarships(t.deps.db, SearchQuery.parse({ q }), TEST_DAY);
  return page.items.find((i) => i.slug === 'long-description-award');
};

describe('search over a long description', () => {
  it('highlights a match near the cut without showing half of the tag the cut splits', async () => {
    const found = await hit('quetzal');
    expect(found?.snippet).toContain('<mark>quetzal</mark>');
    expect(found?.snippet).not.toMatch(/&#60;|href|https/);
    expect(found?.summary.startsWith('Applicants describe their studies')).toBe(true);
  });

  it('finds a match past 2,000 characters; its snippet is the opening, unmarked', async () => {
    const found = await hit('axolotl');
    expect(found).toBeDefined();
    expect(found?.snippet).not.toContain('<mark>');
    expect(found?.snippet.startsWith('Applicants describe their studies')).toBe(true);
  });
});
