/*
 * Needs (pre-check): one of the characters " ` ; = ( ) # - / @ | & < >, a `'` that is not an English
 * contraction or possessive (`library's`), or one of TRIGGER_WORDS (`::`, declare, order, like,
 * between, union, select, exec, `_`, case, `.e.`), or the whole (short) value being a system object
 * or an overflow/DoS number. Anything else is never lexed.
 */
import type { Detector, Match, RuleMeta, Target, ValueViews } from '../../types.ts';
import { isAlphaCode, matchAt } from '../lib/match.ts';
import { hasAny, LOOSE_QUOTE, TIGHT_DOT } from '../../views.ts';
import { dangerousObject, jsonOperator, SYSTEM_OBJECTS, versionComment } from './sql-objects.ts';
import {
  blindProbe,
  commentAfterBreakout,
  keywordAfterBreakout,
  openComparison,
  stackedQuery,
  tautology,
  timeBased,
  unionSelect,
} from './sql-patterns.ts';
import { magicNumber, sqlFunctionCall, sqlStatement } from './sql-fragments.ts';
import { tokenizeSql, type SqlToken } from './sql-tokenizer.ts';

const RULES = [
  {
    id: 'WAF_SQLI_001',
    family: 'sqli',
    severity: 'critical',
    paranoia: 1,
    description:
      "SQL tautology or contradiction after a value (or 1=1, ' or 'a'='a), or after any word when a comment ends the value (x or 1=1--)",
  },
  {
    id: 'WAF_SQLI_002',
    family: 'sqli',
    severity: 'critical',
    paranoia: 1,
    description: 'UNION SELECT with a select list',
  },
  {
    id: 'WAF_SQLI_003',
    family: 'sqli',
    severity: 'critical',
    paranoia: 1,
    description: 'Stacked query (; DROP TABLE, ; exec xp_…)',
  },
  {
    id: 'WAF_SQLI_004',
    family: 'sqli',
    severity: 'critical',
    paranoia: 1,
    description: 'Time-based blind injection (sleep, benchmark, pg_sleep, waitfor delay)',
  },
  {
    id: 'WAF_SQLI_005',
    family: 'sqli',
    severity: 'critical',
    paranoia: 1,
    description: 'Boolean-blind probe (and ascii(substring(…)), or (select …))',
  },
  {
    id: 'WAF_SQLI_006',
    family: 'sqli',
    severity: 'critical',
    paranoia: 1,
    description: "Auth bypass: quote breakout followed by a comment (admin'--)",
  },
  {
    id: 'WAF_SQLI_007',
    family: 'sqli',
    severity: 'critical',
    paranoia: 1,
    description: "Quote breakout followed by SQL (' having 1, ') or (, '||(select)",
  },
  {
    id: 'WAF_SQLI_008',
    family: 'sqli',
    severity: 'critical',
    paranoia: 1,
    description: 'SQL-only objects and functions (information_schema, xp_cmdshell, load_file(, into outfile)',
  },
  {
    id: 'WAF_SQLI_009',
    family: 'sqli',
    severity: 'critical',
    paranoia: 1,
    description:
      'SQL obfuscation: MySQL executable comment (/*!50000select*/), comment as whitespace next to a keyword (select/**/password), empty-exponent float 1.e(ascii(…), 1.e.tables',
  },
  {
    id: 'WAF_SQLI_010',
    family: 'sqli',
    severity: 'critical',
    paranoia: 1,
    description: 'SQL-only function call (concat(, unhex(, database(), if(1=1 …)',
  },
  {
    id: 'WAF_SQLI_011',
    family: 'sqli',
    severity: 'critical',
    paranoia: 1,
    description:
      'SQL statement fragment (select 1,2 from, create table, insert into … values, ::jsonb casts, group by … having)',
  },
  {
    id: 'WAF_SQLI_012',
    family: 'sqli',
    severity: 'error',
    paranoia: 1,
    description: 'Integer overflow probe (4294967296, 9223372036854775808)',
  },
  {
    id: 'WAF_SQLI_013',
    family: 'sqli',
    severity: 'critical',
    paranoia: 1,
    description: "JSON operator on a JSON literal ('{\"a\":1}' -> '$.a', '[1]' ?| array[…], ::jsonb #>)",
  },
  {
    id: 'WAF_SQLI_014',
    family: 'sqli',
    severity: 'critical',
    paranoia: 1,
    description: 'SQL optimizer hint comment after a SQL keyword (or /*+ hint */ true)',
  },
  {
    id: 'WAF_SQLI_015',
    family: 'sqli',
    severity: 'critical',
    paranoia: 1,
    description: 'System database object as the whole value (tempdb, mysql.db, MSysAccessObjects)',
  },
  {
    id: 'WAF_SQLI_016',
    family: 'sqli',
    severity: 'critical',
    paranoia: 1,
    description: 'Float-parser denial of service constant as a value or key (2.2250738585072011e-308)',
  },
] as const satisfies readonly RuleMeta[];

/**
 * Characters without which none of the patterns can match (`'` is judged separately, see
 * `proseApostrophes`; `-` and `/` below).
 */
const TRIGGER_CHARS = '"`;=()#@|&<>';
/**
 * `-` and `/` count among words (a value with whitespace: `1 - 1`, `/CREATE TABLE x`) or as comment
 * marks (`--`, `/*`, `*\/`). In one whitespace-free token they are dashes, paths and URLs, which
 * every request has (its path, a Referer, dates, slugs), and lexing those found nothing.
 */
function dashOrSlashCounts(v: string, has: Uint8Array): boolean {
  if (!has[45] && !has[47]) return false;
  if (has[32] || has[9] || has[10] || has[13]) return true;
  return (has[45] === 1 && v.indexOf('--') >= 0) || (has[47] === 1 && has[42] === 1 && /\/\*|\*\//.test(v));
}
/**
 * Words that make a value worth lexing even without a trigger character (`1 union select 2`,
 * `case when … then`, `1.e.tables`). One native pass: a literal alternation with no quantifier, so
 * its work is linear in the value.
 */
const TRIGGER_WORDS = /declare|order|like|between|union|select|exec|case/;

/** What follows the `'` of an English contraction or possessive: `it's`, `don't`, `we'll`, `I'd`. */
const CONTRACTION_TAILS = ['s', 't', 'd', 'm', 'll', 're', 've'];

/**
 * True when every `'` in the value is an apostrophe of English prose: between two letters and
 * followed by a contraction/possessive tail (`library's`, `don't`). Such a quote cannot close a
 * string and start SQL: after it come the letters `s`/`t`/…, then prose. `O'Brien` or `a'or'b` are
 * not prose apostrophes and are lexed. Only called when the value has no loose quote.
 */
function proseApostrophes(v: string): boolean {
  let k = v.indexOf("'");
  while (k >= 0) {
    let e = k + 1;
    while (e < v.length && e - k <= 3 && isAlphaCode(v.charCodeAt(e))) e++;
    if (isAlphaCode(v.charCodeAt(e))) return false;
    const tail = v.slice(k + 1, e).toLowerCase();
    if (!CONTRACTION_TAILS.includes(tail)) return false;
    k = v.indexOf("'", e);
  }
  return true;
}

/** Cheap necessary condition for any SQLi rule but 015/012: lexing is skipped when false. */
function worthLexing(v: string, views: ValueViews): boolean {
  const { has, lower } = views;
  if (hasAny(has, TRIGGER_CHARS) || dashOrSlashCounts(v, has)) return true;
  if (has[39] && (has[LOOSE_QUOTE] || !proseApostrophes(v))) return true;
  // `_`, `::` and `.e.` are asked of the presence table first (punctuation in the alternation
  // would slow the one pass over every word).
  if (has[95] || (has[58] && lower.includes('::')) || (has[TIGHT_DOT] && lower.includes('.e.'))) return true;
  return TRIGGER_WORDS.test(lower);
}

/** Plain block comments are whitespace to SQL; patterns see the stream without them. */
function withoutBlockComments(t: SqlToken[]): SqlToken[] {
  let any = false;
  for (const x of t)
    if (x.type === 'comment' && x.quote === '/*') {
      any = true;
      break;
    }
  return any ? t.filter((x) => !(x.type === 'comment' && x.quote === '/*')) : t;
}

/** `src` is the value and `shift` the length of the quote prepended for the breakout stream. */
type Check = (t: readonly SqlToken[], src: string, shift: number) => number;
const COMMON: ReadonlyArray<[string, Check]> = [
  ['WAF_SQLI_001', tautology],
  ['WAF_SQLI_001', openComparison],
  ['WAF_SQLI_002', unionSelect],
  ['WAF_SQLI_004', timeBased],
  ['WAF_SQLI_005', blindProbe],
  ['WAF_SQLI_008', dangerousObject],
  ['WAF_SQLI_009', versionComment],
  ['WAF_SQLI_010', sqlFunctionCall],
  ['WAF_SQLI_011', sqlStatement],
  ['WAF_SQLI_013', jsonOperator],
];

/** `/*+ … *\/` right after a SQL keyword or operator word: an optimizer hint, SQL-only syntax. */
function optimizerHint(src: string, t: readonly SqlToken[]): number {
  for (let i = 1; i < t.length; i++) {
    const c = t[i];
    if (c.type !== 'comment' || c.quote !== '/*') continue;
    let h = c.pos + 2;
    while (src[h] === ' ' || src[h] === '\t') h++;
    if (src[h] !== '+') continue;
    const p = t[i - 1];
    if (
      p.type === 'lparen' ||
      (p.type === 'word' && ['or', 'and', 'select', 'update', 'delete', 'insert', 'where', 'union'].includes(p.text))
    )
      return i;
  }
  return -1;
}

/** Keywords that filters look for with a space after them; `/**\/` in that space evades them. */
const GLUE_KEYWORDS = new Set([
  'select',
  'union',
  'from',
  'where',
  'and',
  'or',
  'drop',
  'insert',
  'update',
  'delete',
  'order',
  'group',
  'having',
  'limit',
  'into',
  'values',
  'exec',
  'table',
  'like',
  'sleep',
  'benchmark',
  'all',
  'distinct',
]);

/** `SELECT/*x*\/password`, `union/**\/select`: a block comment glued on both sides, next to a SQL keyword. */
function commentAsSpace(src: string, t: readonly SqlToken[]): number {
  for (let i = 1; i + 1 < t.length; i++) {
    const c = t[i];
    if (c.type !== 'comment' || c.quote !== '/*' || !c.closed) continue;
    const p = t[i - 1];
    const n = t[i + 1];
    const end = src.indexOf('*/', c.pos + 2) + 2;
    if (p.type !== 'word' || p.quote || p.pos + p.text.length !== c.pos || n.pos !== end) continue;
    if (!(n.type === 'word' || n.type === 'num' || n.type === 'lparen' || n.type === 'var')) continue;
    if (GLUE_KEYWORDS.has(p.text) || (n.type === 'word' && !n.quote && GLUE_KEYWORDS.has(n.text))) return i;
  }
  return -1;
}

/** After a closed `…` identifier: `AS \`alias\``, a comparison keyword, a comment or a final `;`. */
function backtickBreakout(t: readonly SqlToken[]): number {
  const k = t[1];
  if (!k) return -1;
  if (k.type === 'word' && !k.quote) {
    if (k.text === 'as' && t[2]?.type === 'word' && t[2].quote === '`') return 1;
    if ((k.text === 'regexp' || k.text === 'rlike') && (!t[2] || t[2].type === 'str' || t[2].type === 'num')) return 1;
    if (
      (k.text === 'or' || k.text === 'and' || k.text === 'union' || k.text === 'from') &&
      t[2] &&
      t[2].type !== 'word'
    )
      return 1;
    return -1;
  }
  if (k.type === 'semi' && (!t[2] || t[2].type === 'comment')) return 1;
  if (k.type === 'comment' && k.quote !== '/*!' && !t[2]) return 1;
  return -1;
}

function scan(target: Target, raw: SqlToken[], breakout: boolean, prefixLen: number, found: Map<string, Match>) {
  const t = withoutBlockComments(raw);
  if (!breakout && !found.has('WAF_SQLI_014')) {
    const k = optimizerHint(target.value, raw);
    if (k >= 0) found.set('WAF_SQLI_014', matchAt('WAF_SQLI_014', target, raw[k].pos));
  }
  if (!breakout && t !== raw && !found.has('WAF_SQLI_009')) {
    const k = commentAsSpace(target.value, raw);
    if (k >= 0) found.set('WAF_SQLI_009', matchAt('WAF_SQLI_009', target, raw[k - 1].pos));
  }
  for (const [id, check] of COMMON)
    if (!found.has(id)) hit(found, target, prefixLen, id, check(t, target.value, prefixLen), t);
  if (!found.has('WAF_SQLI_003')) hit(found, target, prefixLen, 'WAF_SQLI_003', stackedQuery(t, breakout), t);
  if (breakout) {
    if (!found.has('WAF_SQLI_006')) hit(found, target, prefixLen, 'WAF_SQLI_006', commentAfterBreakout(raw), raw);
    if (!found.has('WAF_SQLI_007')) hit(found, target, prefixLen, 'WAF_SQLI_007', keywordAfterBreakout(t), t);
  }
}

/** Records rule `id` at token `idx` (a check's answer; -1 is no match), unless already found. */
function hit(
  found: Map<string, Match>,
  target: Target,
  prefixLen: number,
  id: string,
  idx: number,
  tokens: readonly SqlToken[],
): void {
  if (idx >= 0 && !found.has(id)) found.set(id, matchAt(id, target, Math.max(0, tokens[idx].pos - prefixLen)));
}

/**
 * SQL injection by lexing, not keyword lists: the value is tokenized as-is (numeric context) and,
 * when it contains a quote, as if it began inside a string of that quote (string context, the
 * classic breakout). Patterns run over the token streams. Prose such as "select the union of our
 * interests" or O'Brien produces no SQL-shaped sequence.
 */
export const sqlInjection = {
  name: 'sql-injection',
  rules: RULES,
  detect(target, views) {
    const v = target.value;
    if (v.length < 2) return [];
    const lower = views.lower;
    // System objects and magic numbers are whole (short) values.
    if (v.length <= 64 && SYSTEM_OBJECTS.has(lower.trim())) return [matchAt('WAF_SQLI_015', target, 0)];
    const magic = v.length <= 64 ? magicNumber(v) : null;
    if (magic) return [matchAt(magic === 'float' ? 'WAF_SQLI_016' : 'WAF_SQLI_012', target, 0)];
    if (!worthLexing(v, views)) return [];
    const found = new Map<string, Match>();
    scan(target, tokenizeSql(v), false, 0, found);
    for (const q of ["'", '"']) {
      if (v.indexOf(q) < 0) continue;
      const t = tokenizeSql(v, q);
      // Breakout only if the value closes the string the query opened.
      if (t[0]?.type === 'str' && t[0].closed) scan(target, t, true, 1, found);
    }
    if (v.indexOf('`') >= 0 && !found.has('WAF_SQLI_007')) {
      // MySQL identifier breakout: the value closes a `…` identifier, then SQL follows.
      const t = withoutBlockComments(tokenizeSql(v, '`'));
      if (t[0]?.type === 'word' && t[0].closed) {
        const k = backtickBreakout(t);
        if (k >= 0) found.set('WAF_SQLI_007', matchAt('WAF_SQLI_007', target, Math.max(0, t[k].pos - 1)));
      }
    }
    return [...found.values()];
  },
} satisfies Detector;
