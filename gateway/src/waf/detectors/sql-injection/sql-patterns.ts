import type { SqlToken } from './sql-tokenizer.ts';

/**
 * Patterns over SQL token sequences. Each returns the index of the token where the pattern
 * starts, or -1. They look at a bounded window (a few tokens) from each start, so a full scan is
 * linear in the token count.
 */

const CMP_OPS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=', '<=>', '!<', '!>']);
const CMP_WORDS = new Set(['like', 'rlike', 'regexp', 'is', 'sounds', 'in', 'between']);
const LOGIC_WORDS = new Set(['or', 'and', 'xor', 'div']);
const LOGIC_OPS = new Set(['||', '&&']);
const LITERAL_WORDS = new Set(['null', 'true', 'false']);

/** Statements an attacker stacks after `;`; each needs its own follow-up word to count. */
const STACKED: Readonly<Record<string, ReadonlySet<string> | 'any'>> = {
  drop: new Set(['table', 'database', 'schema', 'user', 'view', 'function', 'procedure', 'index', 'trigger', 'if']),
  insert: new Set(['into', 'ignore', 'low_priority', 'delayed']),
  delete: new Set(['from']),
  truncate: new Set(['table']),
  create: new Set([
    'table',
    'database',
    'user',
    'function',
    'procedure',
    'view',
    'trigger',
    'or',
    'temporary',
    'login',
  ]),
  alter: new Set(['table', 'database', 'user', 'login', 'system', 'session']),
  exec: 'any',
  execute: 'any',
  declare: 'any',
  shutdown: 'any',
  waitfor: 'any',
  select: 'any',
  update: 'any',
  grant: new Set(['all', 'select', 'execute', 'dba']),
  replace: new Set(['into']),
  rename: new Set(['table', 'user']),
  load: new Set(['data']),
  copy: 'any',
  set: 'any',
  backup: new Set(['database']),
};

/** Functions that only appear in blind/boolean probing right after AND/OR. */
export const BLIND_FUNCS = new Set([
  'ascii',
  'substring',
  'substr',
  'mid',
  'ord',
  'length',
  'char',
  'chr',
  'if',
  'iif',
  'case',
  'exists',
  'select',
  'sleep',
  'benchmark',
  'updatexml',
  'extractvalue',
  'elt',
  'make_set',
  'hex',
  'unhex',
  'conv',
  'count',
  'user',
  'database',
  'version',
  'current_user',
  'system_user',
  'instr',
  'left',
  'right',
  'not',
  'pg_sleep',
  'row',
  'unicode',
  'len',
  'db_name',
  'char_length',
  'greatest',
  'least',
  'nullif',
  'ifnull',
  'coalesce',
  'cast',
  'convert',
  'rand',
  'floor',
  'md5',
  'sha1',
  'gtid_subset',
  'json_keys',
  'extract',
  'randomblob',
]);

/** Words that make a breakout (`'` closed, then this) SQL rather than prose. */
const BREAKOUT_KEYWORDS = new Set([
  'or',
  'and',
  'xor',
  'union',
  'having',
  'order',
  'group',
  'limit',
  'into',
  'procedure',
  'like',
  'rlike',
  'regexp',
  'between',
  'div',
  'is',
  'select',
  'waitfor',
  'where',
  'collate',
  'not',
  'in',
  'sounds',
  'offset',
]);

function isLiteral(t: SqlToken | undefined): boolean {
  return !!t && (t.type === 'num' || t.type === 'str' || (t.type === 'word' && LITERAL_WORDS.has(t.text)));
}
function isLogic(t: SqlToken | undefined): boolean {
  return !!t && ((t.type === 'word' && LOGIC_WORDS.has(t.text)) || (t.type === 'op' && LOGIC_OPS.has(t.text)));
}
function isCmp(t: SqlToken | undefined): boolean {
  return !!t && ((t.type === 'op' && CMP_OPS.has(t.text)) || (t.type === 'word' && CMP_WORDS.has(t.text)));
}
export function isWord(t: SqlToken | undefined, w?: string): boolean {
  return !!t && t.type === 'word' && (w === undefined || t.text === w);
}
function isPlus(t: SqlToken | undefined): boolean {
  return !!t && t.type === 'op' && t.text === '+';
}
/** End of a SQL fragment: nothing, a comment, `)` or `;`, or a clause that continues the query. */
function isTail(t: SqlToken | undefined): boolean {
  if (!t) return true;
  if (t.type === 'comment' || t.type === 'rparen' || t.type === 'semi') return true;
  if (t.type === 'str' && !t.closed) return true;
  return (
    isLogic(t) ||
    (t.type === 'word' && ['limit', 'order', 'group', 'union', 'having', 'into', 'procedure'].includes(t.text))
  );
}

/** Is token i preceded by something a value-context injection follows (literal, `)`, breakout)? */
function afterValue(t: readonly SqlToken[], i: number): boolean {
  const p = t[i - 1];
  return (
    !!p &&
    (p.type === 'num' || p.type === 'str' || p.type === 'rparen' || (p.type === 'word' && LITERAL_WORDS.has(p.text)))
  );
}

/**
 * `… OR 1=1`, `' or 'a'='a`, `) and 1=2 --`, `or true--`, `x or 1=1-- -`. `src` is the value and
 * `shift` the length of a quote prepended to it for the breakout stream (token positions count it).
 */
export function tautology(t: readonly SqlToken[], src = '', shift = 0): number {
  for (let i = 0; i < t.length; i++) {
    // The value may start with the operator (`AND 2771=1709)`, `or 1#`): the query supplies the
    // value before it. Then the condition must be between numbers, not words.
    if (!isLogic(t[i])) continue;
    const leading = i === 0;
    // `x or 1=1--`: after a bare word only when the value ends in a bare comment right after the
    // condition (`--`, `-- -`, `--+`, `#`), cutting the query off; "x or 1=1" alone may be arithmetic
    // prose, and "A or 4=4 -- confusing" a dash before more words.
    const valueBefore = !leading && afterValue(t, i);
    const afterWord = !leading && !valueBefore && t[i - 1].type === 'word';
    if (!leading && !valueBefore && !afterWord) continue;
    if (leading && !numericCondition(t, 1)) continue;
    let j = i + 1;
    while (t[j]?.type === 'lparen') j++;
    if (isWord(t[j], 'not') && isLiteral(t[j + 1])) j++; // `and not 1=2`
    const a = t[j];
    if (afterWord) {
      const c = t[j + 3];
      const cutOff = c?.type === 'comment' && c.quote !== '/*' && src.length - (c.pos - shift) <= 4;
      if (cutOff && isLiteral(a) && isCmp(t[j + 1]) && isLiteral(t[j + 2])) return i;
      continue;
    }
    if (isLiteral(a)) {
      // `1 between 0 and 2`, `'a' in ('a','b')`: set/range forms of the same constant condition.
      if (
        isWord(t[j + 1], 'between') &&
        isLiteral(t[j + 2]) &&
        isWord(t[j + 3], 'and') &&
        isLiteral(t[j + 4]) &&
        isTail(t[j + 5])
      )
        return i;
      if (isWord(t[j + 1], 'in') && t[j + 2]?.type === 'lparen') {
        let k = j + 3;
        while (k < j + 19 && isLiteral(t[k]) && t[k + 1]?.type === 'comma') k += 2;
        if (isLiteral(t[k]) && t[k + 1]?.type === 'rparen' && isTail(t[k + 2])) return i;
      }
      if (isCmp(t[j + 1]) && !isWord(t[j + 1], 'between')) {
        const b = t[j + 2];
        if ((isLiteral(b) || (isWord(b) && isWord(a) && b!.text === a!.text)) && isTail(t[j + 3])) return i;
      } else if (
        (a!.type === 'num' || isWord(a, 'true')) &&
        (t[j + 1]?.type === 'comment' || t[j + 1]?.type === 'semi' || (!t[j + 1] && t[i - 1]?.type === 'str'))
      ) {
        return i;
      }
    } else if (isWord(a) && isCmp(t[j + 1]) && isWord(t[j + 2]) && t[j + 2].text === a!.text && isTail(t[j + 3])) {
      return i;
    }
  }
  return -1;
}

/**
 * The whole value is `'x' <cmp> 'y` with the last string left open for the query's own closing
 * quote (`'x'!='y` lands as `'x'!='y'`): a constant condition injected in place of a value.
 */
export function openComparison(t: readonly SqlToken[]): number {
  if (t.length !== 3) return -1;
  const [a, op, b] = t;
  return a.type === 'str' &&
    a.closed &&
    op.type === 'op' &&
    CMP_OPS.has(op.text) &&
    b.type === 'str' &&
    !b.closed &&
    b.quote === a.quote
    ? 0
    : -1;
}

/** From j (after `(`s): a number compared with a number, `(` or an open string, or a number then a comment. */
function numericCondition(t: readonly SqlToken[], j: number): boolean {
  while (t[j]?.type === 'lparen') j++;
  if (t[j]?.type !== 'num') return false;
  const op = t[j + 1];
  if (op?.type === 'comment' || op?.type === 'semi') return true;
  if (!isCmp(op) || op!.type !== 'op') return false;
  const b = t[j + 2];
  return !!b && (b.type === 'num' || b.type === 'lparen' || (b.type === 'str' && !b.closed));
}

/** `UNION [ALL|DISTINCT] SELECT <select-list>`. */
export function unionSelect(t: readonly SqlToken[]): number {
  for (let i = 0; i < t.length; i++) {
    if (!isWord(t[i], 'union')) continue;
    let j = i + 1;
    if (isWord(t[j], 'all') || isWord(t[j], 'distinct')) j++;
    while (t[j]?.type === 'lparen') j++;
    if (!isWord(t[j], 'select')) continue;
    const p = t[i - 1];
    if (p && (p.type === 'num' || p.type === 'str' || p.type === 'rparen' || p.type === 'comment' || p.type === 'var'))
      return i;
    if (!p) return i;
    const x = t[j + 1];
    const y = t[j + 2];
    if (!x) return i;
    if (
      x.type === 'num' ||
      x.type === 'str' ||
      x.type === 'var' ||
      x.type === 'lparen' ||
      x.type === 'comment' ||
      (x.type === 'op' && x.text === '*')
    )
      return i;
    if (
      isWord(x) &&
      (!y || y.type === 'comma' || y.type === 'lparen' || y.type === 'dot' || y.type === 'comment' || isWord(y, 'from'))
    )
      return i;
  }
  return -1;
}

function onlyParens(t: readonly SqlToken[], from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (t[k].type !== 'rparen') return false;
  return true;
}

/** `; DROP TABLE`, `; exec xp_…`, `'; select …`. */
export function stackedQuery(t: readonly SqlToken[], breakout: boolean): number {
  for (let i = 0; i < t.length; i++) {
    if (t[i].type !== 'semi') continue;
    const kw = t[i + 1];
    if (!isWord(kw)) continue;
    const rule = STACKED[kw!.text];
    if (!rule) continue;
    // Right after the breakout (`x'; exec …`, `x')); drop …`); prose words in between
    // ("my mom's PC; set up …") make it an apostrophe, not a closed string.
    const nearBreakout = (breakout && i <= 3 && onlyParens(t, 1, i)) || i === 0;
    const next = t[i + 2];
    if (rule === 'any') {
      if (nearBreakout || afterValue(t, i)) return i;
      if (
        kw!.text === 'select' &&
        next &&
        (next.type === 'num' ||
          next.type === 'var' ||
          next.type === 'lparen' ||
          (next.type === 'op' && next.text === '*'))
      )
        return i;
      if (
        (kw!.text === 'exec' || kw!.text === 'execute') &&
        isWord(next) &&
        ['xp_', 'sp_', 'master'].some((p) => next!.text.startsWith(p))
      )
        return i;
      if (kw!.text === 'declare' && next?.type === 'var') return i;
      if (kw!.text === 'shutdown' && (!next || next.type === 'comment' || isWord(next, 'with'))) return i;
      if (kw!.text === 'waitfor' && (isWord(next, 'delay') || isWord(next, 'time'))) return i;
      continue;
    }
    if (isWord(next) && rule.has(next!.text)) return i;
    if (nearBreakout) return i;
  }
  return -1;
}

/** `sleep(5)`, `pg_sleep(5)`, `benchmark(1e7,…)`, `waitfor delay '0:0:5'`, `dbms_pipe.receive_message(`. */
export function timeBased(t: readonly SqlToken[]): number {
  for (let i = 0; i < t.length; i++) {
    const w = t[i];
    if (w.type !== 'word') continue;
    const a = t[i + 1];
    const b = t[i + 2];
    if (
      (w.text === 'sleep' || w.text === 'pg_sleep') &&
      a?.type === 'lparen' &&
      b &&
      (b.type === 'num' ||
        b.type === 'lparen' ||
        b.type === 'str' ||
        b.type === 'op' ||
        isWord(b, 'select') ||
        b.type === 'var' ||
        (isWord(b) && t[i + 3]?.type === 'lparen'))
    )
      return i;
    if (w.text === 'benchmark' && a?.type === 'lparen' && b?.type === 'num') return i;
    if (w.text === 'waitfor' && (isWord(a, 'delay') || isWord(a, 'time')) && b?.type === 'str') return i;
    // `waitfor+delay+'0:0:5'`: form-encoded spaces left as `+` where the value is not form-decoded.
    if (
      w.text === 'waitfor' &&
      isPlus(a) &&
      (isWord(b, 'delay') || isWord(b, 'time')) &&
      (t[i + 3]?.type === 'str' || (isPlus(t[i + 3]) && t[i + 4]?.type === 'str'))
    )
      return i;
    if ((w.text === 'dbms_pipe' || w.text === 'dbms_lock') && a?.type === 'dot') return i;
    if (w.text === 'randomblob' && a?.type === 'lparen' && b?.type === 'num' && b.text.length >= 6) return i;
  }
  return -1;
}

/** After a value: AND/OR followed by a probing function (`and ascii(substring(…`, `or (select`). */
export function blindProbe(t: readonly SqlToken[]): number {
  for (let i = 1; i < t.length; i++) {
    if (!isLogic(t[i]) || !afterValue(t, i)) continue;
    let j = i + 1;
    let parens = 0;
    for (;;) {
      if (t[j]?.type === 'lparen') {
        j++;
        parens++;
        continue;
      }
      // MySQL's ODBC escape `{identifier expr}` evaluates expr: `or {x length((select …`.
      if (t[j]?.type === 'other' && t[j].text === '{' && isWord(t[j + 1]) && isWord(t[j + 2])) {
        j += 2;
        continue;
      }
      break;
    }
    const f = t[j];
    if (!isWord(f) || !BLIND_FUNCS.has(f!.text)) continue;
    if (
      t[j + 1]?.type === 'lparen' ||
      (f!.text === 'select' && parens > 0) ||
      (f!.text === 'not' && isWord(t[j + 1], 'exists'))
    )
      return i;
  }
  return -1;
}

/** Breakout string closed by the value, then (after `)`s) a comment: `admin'--`, `x')#`. */
export function commentAfterBreakout(t: readonly SqlToken[]): number {
  let j = 1;
  while (t[j]?.type === 'rparen' || t[j]?.type === 'semi') j++;
  if (t[j]?.type === 'comment' && t[j].quote !== '/*!') return j;
  // `admin@x.op';` — the statement is terminated right after the breakout.
  return j > 1 && !t[j] && t[j - 1].type === 'semi' ? j - 1 : -1;
}

/** Breakout string, then a SQL keyword followed by something SQL-shaped, or an operator chain. */
export function keywordAfterBreakout(t: readonly SqlToken[]): number {
  let j = 1;
  while (t[j]?.type === 'rparen') j++;
  const k = t[j];
  const x = t[j + 1];
  if (!k) return -1;
  if (isWord(k) && BREAKOUT_KEYWORDS.has(k.text)) {
    if (!x) return j;
    // A comparison cannot follow the keyword (`"' and = bar` is no SQL); `' or -1`, `' union/` can.
    if (
      x.type === 'num' ||
      x.type === 'str' ||
      x.type === 'lparen' ||
      x.type === 'var' ||
      x.type === 'comment' ||
      (x.type === 'op' && !CMP_OPS.has(x.text))
    )
      return j;
    if (
      isWord(x) &&
      (BLIND_FUNCS.has(x.text) ||
        x.text === 'by' ||
        LITERAL_WORDS.has(x.text) ||
        x.text === 'all' ||
        x.text === 'outfile' ||
        x.text === 'dumpfile')
    )
      return j;
    return -1;
  }
  // `x'|email--`, `x'-email--`, `id' mod id--`: a binary operator and a column, then the rest
  // commented out (`~` and `!` are unary: `x'~email` does not parse).
  if (
    ((k.type === 'op' && k.text !== '~' && k.text !== '!') || isWord(k, 'mod') || isWord(k, 'glob')) &&
    isWord(x) &&
    !x!.quote
  ) {
    const c = t[j + 2];
    if (c?.type === 'comment' && c.quote !== '/*' && !t[j + 3] && c.pos === x!.pos + x!.text.length) return j;
  }
  if (k.type === 'op' && x) {
    const y = t[j + 2];
    if (CMP_OPS.has(k.text) && x.type === 'str' && !x.closed && !y) return j;
    if (
      ['||', '+', '&&', '|', '&', '^', '*', '-'].includes(k.text) &&
      (x.type === 'lparen' || (isWord(x) && BLIND_FUNCS.has(x.text) && y?.type === 'lparen'))
    )
      return j;
  }
  return -1;
}
