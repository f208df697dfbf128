/*
 * Needs (pre-check): a `$` in the value, name or key for the operator rules; a quote for the
 * server-side JavaScript breakout (WAF_NOSQL_004).
 */
import type { Detector, Match, RuleMeta, Target } from '../../types.ts';
import { isAlphaCode, matchAt } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_NOSQL_001',
    family: 'nosql',
    severity: 'critical',
    paranoia: 1,
    description: 'MongoDB query operator as a JSON key ($ne, $gt, $where, $regex …)',
  },
  {
    id: 'WAF_NOSQL_002',
    family: 'nosql',
    severity: 'critical',
    paranoia: 1,
    description: 'MongoDB operator in a bracketed parameter name (user[$ne]=…)',
  },
  {
    id: 'WAF_NOSQL_003',
    family: 'nosql',
    severity: 'critical',
    paranoia: 1,
    description:
      'Operator object, bracketed operator or $where JavaScript inside a string value ({"$gt":""}, u_id[$ne], sleep() in $where)',
  },
  {
    id: 'WAF_NOSQL_004',
    family: 'nosql',
    severity: 'critical',
    paranoia: 1,
    description:
      "Server-side JavaScript breakout from a quoted string ($where / mapReduce): ' || '1'=='1, '; return true; var x='",
  },
] as const satisfies readonly RuleMeta[];

/** Query/aggregation operators (lower-case); any `$`-key that is one of these is an operator. */
const OPERATORS = new Set([
  '$ne',
  '$eq',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$regex',
  '$options',
  '$where',
  '$exists',
  '$expr',
  '$or',
  '$and',
  '$nor',
  '$not',
  '$elemmatch',
  '$function',
  '$accumulator',
  '$type',
  '$size',
  '$all',
  '$mod',
  '$text',
  '$search',
  '$jsonschema',
  '$lookup',
  '$merge',
  '$out',
  '$set',
  '$unset',
  '$push',
  '$inc',
  '$rename',
  '$comment',
  '$natural',
  '$where',
  '$geowithin',
  '$near',
  '$slice',
  '$project',
  '$match',
  '$group',
  '$unwind',
  '$addfields',
  '$replaceroot',
]);

/** The last path step of a JSON key target name (`$.password.$ne` → `$ne`), or the raw key. */
function keyOf(t: Target): string {
  return (t.raw || t.value).toLowerCase();
}

function bracketOperator(name: string): number {
  let k = name.indexOf('[$');
  while (k >= 0) {
    const close = name.indexOf(']', k);
    if (close < 0) return -1;
    if (OPERATORS.has(name.slice(k + 1, close).toLowerCase())) return k;
    k = name.indexOf('[$', close);
  }
  return -1;
}

function operatorInString(v: string): number {
  let k = v.indexOf('$');
  let n = 0;
  while (k >= 0 && n++ < 256) {
    let e = k + 1;
    while (e < v.length && ((v[e] >= 'a' && v[e] <= 'z') || (v[e] >= 'A' && v[e] <= 'Z'))) e++;
    const op = v.slice(k, e).toLowerCase();
    if (OPERATORS.has(op)) {
      let p = k - 1;
      while (p >= 0 && (v[p] === ' ' || v[p] === '"' || v[p] === "'")) p--;
      let q = e;
      while (q < v.length && (v[q] === ' ' || v[q] === '"' || v[q] === "'")) q++;
      if (p >= 0 && (v[p] === '{' || v[p] === ',' || v[p] === '[') && v[q] === ':') return k;
    }
    k = v.indexOf('$', k + 1);
  }
  return -1;
}

/** What a `;` must be followed by to start a JavaScript statement of a $where breakout. */
const JS_STATEMENTS = [
  'return true',
  'return false',
  'return 1',
  'return this',
  'return(',
  'return !',
  'return db',
  'return sleep',
  'while(',
  'while (',
  'sleep(',
  'var ',
  'let ',
  'const ',
  'this.',
  'db.',
  'for(',
  'throw ',
];

/**
 * A quote that closes a JavaScript string and continues the expression: the grammar a `$where`
 * injection needs. After the quote (not an apostrophe inside a word) come `||` or `&&` and a JS
 * comparison (`==`, `!=`, `true`, `this.`), or `;` and a statement (`return`, `while(`, `sleep(` …).
 * SQL's single `=` is the SQL detector's. At most 256 quotes, a 40-character window each: linear.
 */
function jsBreakout(v: string): number {
  let n = 0;
  let sq = v.indexOf("'");
  let dq = v.indexOf('"');
  while ((sq >= 0 || dq >= 0) && n++ < 256) {
    const i = sq < 0 ? dq : dq < 0 ? sq : Math.min(sq, dq);
    if (i === sq) sq = v.indexOf("'", i + 1);
    else dq = v.indexOf('"', i + 1);
    let j = i + 1;
    while (v.charCodeAt(j) === 32) j++;
    const c = v[j];
    // Cheap gate first: most quotes (apostrophes in prose) are not followed by `|`, `&` or `;`.
    if (c !== '|' && c !== '&' && c !== ';') continue;
    if (isAlphaCode(v.charCodeAt(i - 1)) && isAlphaCode(v.charCodeAt(i + 1))) continue;
    const op = v.slice(j, j + 2);
    const w = v
      .slice(op === '||' || op === '&&' ? j + 2 : j + 1, j + 44)
      .trimStart()
      .toLowerCase();
    if (op === '||' || op === '&&') {
      const cmp = w.indexOf('==') >= 0 || w.indexOf('!=') >= 0;
      if (cmp || w.startsWith('true') || w.startsWith('this.') || w.startsWith('sleep(')) return i;
    } else if (c === ';' && JS_STATEMENTS.some((st) => w.startsWith(st))) return i;
  }
  return -1;
}

/**
 * NoSQL (MongoDB) operator injection: operator keys in JSON bodies, `param[$op]` names in query and
 * form data, and operator objects smuggled inside string values. Ordinary `$` (prices) passes.
 */
export const nosqlInjection = {
  name: 'nosql-injection',
  rules: RULES,
  detect(target) {
    const found: Match[] = [];
    if (target.kind === 'json_key') {
      const key = keyOf(target);
      if (key.startsWith('$') && OPERATORS.has(key)) found.push(matchAt('WAF_NOSQL_001', target, 0));
      return found;
    }
    if (target.kind === 'query_name' || target.kind === 'form_name' || target.kind === 'cookie_name') {
      const k = bracketOperator(target.value);
      if (k >= 0) found.push(matchAt('WAF_NOSQL_002', target, k));
      return found;
    }
    const v = target.value;
    if (v.indexOf('$') >= 0) {
      // A `[$op]` parameter name carried in a value reaches a parser that expands it (nested query
      // strings, `qs` on a re-encoded value) just like the name itself.
      let k = operatorInString(v);
      if (k < 0 && v.indexOf('[$') >= 0) k = bracketOperator(v);
      if (k >= 0) found.push(matchAt('WAF_NOSQL_003', target, k));
    }
    if (v.indexOf("'") >= 0 || v.indexOf('"') >= 0) {
      const q = jsBreakout(v);
      if (q >= 0) found.push(matchAt('WAF_NOSQL_004', target, q));
    }
    return found;
  },
} satisfies Detector;
