import type { SqlToken } from './sql-tokenizer.ts';

/**
 * SQL fragments that have no reading as prose: SQL-only function calls, statement shapes
 * (`select … from`, `create table`, `insert into … values`), aliases, casts and clause pairs.
 * Each check looks at a few tokens from each start: linear overall.
 */

/** Function names that exist only in SQL dialects: a call is enough. */
const SQL_ONLY_FUNCS = new Set([
  'concat',
  'concat_ws',
  'group_concat',
  'substring',
  'substr',
  'unhex',
  'ifnull',
  'isnull',
  'nvl',
  'nvl2',
  'coalesce',
  'make_set',
  'benchmark',
  'pg_sleep',
  'db_name',
  'current_user',
  'session_user',
  'system_user',
  'sysdate',
  'xmltype',
  'find_in_set',
  'strcmp',
  'uncompress',
  'rtrim',
  'ltrim',
  'char_length',
  'json_extract',
  'json_keys',
  'unistr',
  'jsonb_pretty',
  'json_build_object',
  'lo_get',
  'lo_import',
  'sqlite_compileoption_used',
  'md5',
  'sha1',
  'sha2',
  'to_char',
  'to_number',
  'load_file',
  'extractvalue',
  'updatexml',
  'elt',
  'conv',
  'instr',
  'from_base64',
  'to_base64',
  'nullif',
  'iif',
  'ascii',
  'ord',
  'unicode',
  'chr',
  'cast',
  'row_count',
  'last_insert_id',
  'connection_id',
  'schema',
  'database',
  'version',
  'user',
  'hex',
  'mid',
  'char',
  'rand',
  'sin',
  'cos',
  'pow',
  'trim',
  'insert',
  'decode',
  'encode',
  'compress',
  'sleep',
  'if',
  'starts_with',
  'string_agg',
  'array_agg',
  'xmlagg',
  'sys_eval',
  'sys_exec',
  'dbms_pipe',
  'utl_inaddr',
  'ctxsys',
  'bin',
  'oct',
  'soundex',
  'quote',
  'export_set',
  'weight_string',
  'space',
  'json_object',
  'json_array',
  'json_query',
  'json_value',
  'openjson',
  'pg_read_file',
  'current_database',
  'to_hex',
  'quote_ident',
  'quote_literal',
  'regexp_substr',
  'regexp_replace',
  'regexp_like',
  'dump',
  'rawtohex',
  'hextoraw',
  'div',
]);
/** Of those, names that are also English words: the call needs an SQL-shaped argument. */
const WORDY = new Set([
  'schema',
  'database',
  'version',
  'user',
  'hex',
  'mid',
  'char',
  'rand',
  'sin',
  'cos',
  'pow',
  'trim',
  'insert',
  'decode',
  'encode',
  'compress',
  'sleep',
  'if',
  'ord',
  'cast',
  'quote',
  'bin',
  'oct',
  'space',
  'dump',
  'concat',
  'substring',
  'ascii',
  'unicode',
  'instr',
  'conv',
  'elt',
  'chr',
  'div',
]);
const OBJECT_KW = new Set([
  'table',
  'database',
  'function',
  'procedure',
  'trigger',
  'view',
  'index',
  'user',
  'schema',
  'login',
  'role',
  'sequence',
  'temporary',
]);
const CAST_TYPES = new Set([
  'int',
  'integer',
  'bigint',
  'smallint',
  'text',
  'varchar',
  'char',
  'bool',
  'boolean',
  'json',
  'jsonb',
  'numeric',
  'float',
  'real',
  'double',
  'date',
  'timestamp',
  'regclass',
  'oid',
  'bytea',
  'xml',
  'uuid',
  'inet',
  'name',
  'money',
  'interval',
  'int4',
  'int8',
]);

function w(t: SqlToken | undefined, text?: string): boolean {
  return !!t && t.type === 'word' && !t.quote && (text === undefined || t.text === text);
}
function quotedIdent(t: SqlToken | undefined): boolean {
  return !!t && ((t.type === 'word' && t.quote === '`') || (t.type === 'str' && t.quote === '"'));
}
function sqlArgStart(t: readonly SqlToken[], j: number): boolean {
  const a = t[j];
  if (!a) return true; // `database(` at the very end: a probe
  if (a.type === 'rparen' || a.type === 'num' || a.type === 'str' || a.type === 'var' || a.type === 'comment')
    return true;
  if (a.type === 'op' && (a.text === '*' || a.text === '-')) return true;
  if (a.type === 'lparen') return true;
  if (w(a) && (t[j + 1]?.type === 'lparen' || a.text === 'select' || a.text === 'null')) return true;
  // single identifier then `,` / `)` / `::`: a column argument (`unistr(password)::int`).
  if (
    w(a) &&
    (t[j + 1]?.type === 'comma' || (t[j + 1]?.type === 'rparen' && t[j + 2]?.type === 'op' && t[j + 2].text === '::'))
  )
    return !WORDY.has(t[j - 2]?.text ?? '');
  return false;
}

/** A `from` keyword among the `n` tokens from `k`: the select list goes on to its table. */
function fromWithin(t: readonly SqlToken[], k: number, n: number): boolean {
  for (let j = k; j < Math.min(t.length, k + n); j++) if (w(t[j], 'from')) return true;
  return false;
}

/** `concat(`, `unhex(`, `database()`, `user(`, `if(1=1` … */
export function sqlFunctionCall(t: readonly SqlToken[]): number {
  for (let i = 0; i < t.length; i++) {
    const f = t[i];
    if (!w(f) || t[i + 1]?.type !== 'lparen' || !SQL_ONLY_FUNCS.has(f.text)) continue;
    if (f.text === 'if' || f.text === 'iif') {
      const a = t[i + 2];
      // if(1=1, …), if(2>1 …): a literal compared; spreadsheet IF(B2>3, …) compares a cell name.
      if (a && (a.type === 'num' || a.type === 'str') && (t[i + 3]?.type === 'op' || w(t[i + 3], 'like'))) return i;
      continue;
    }
    if (!WORDY.has(f.text) || sqlArgStart(t, i + 2)) return i;
  }
  return -1;
}

/** Is the word at `pos` written Title-case (`Case`)? SQL keywords are written lower or upper case. */
function titleCase(src: string, pos: number): boolean {
  const a = src.charCodeAt(pos);
  const b = src.charCodeAt(pos + 1);
  return a >= 65 && a <= 90 && b >= 97 && b <= 122;
}

/**
 * Statement shapes: select-list, DDL, insert/delete/update, clause pairs, aliases, casts. `src` and
 * `shift` (see index.ts) give the original spelling where case tells prose from SQL.
 */
export function sqlStatement(t: readonly SqlToken[], src = '', shift = 0): number {
  for (let i = 0; i < t.length; i++) {
    const a = t[i];
    const b = t[i + 1];
    const c = t[i + 2];
    const d = t[i + 3];
    if (a.type === 'op' && a.text === '::' && w(b) && CAST_TYPES.has(b!.text) && i > 0) return i;
    if (a.type === 'var' && b?.type === 'op' && b.text === ':=') return i;
    if (a.type !== 'word' || a.quote) continue;
    const atStart = i === 0 || t[i - 1].type === 'semi' || t[i - 1].type === 'lparen' || t[i - 1].type === 'comment';
    switch (a.text) {
      case 'select':
        if (!b) break;
        if (b.type === 'lparen' || b.type === 'var' || (b.type === 'op' && b.text === '*')) return i;
        if (w(b) && c?.type === 'lparen') return i;
        if (
          (b.type === 'num' || quotedIdent(b) || b.type === 'str') &&
          (!c || c.type === 'comma' || w(c, 'from') || c.type === 'rparen' || c.type === 'comment' || w(c, 'as'))
        )
          return i;
        if (w(b) && c?.type === 'comma' && w(d)) return i;
        if (
          w(b) &&
          w(c, 'from') &&
          (w(d) || quotedIdent(d)) &&
          (w(t[i + 4], 'where') ||
            w(t[i + 4], 'limit') ||
            t[i + 4]?.type === 'semi' ||
            w(t[i + 4], 'group') ||
            w(t[i + 4], 'order'))
        )
          return i;
        break;
      case 'create':
      case 'alter':
      case 'drop':
      case 'truncate':
        if (atStart && w(b) && OBJECT_KW.has(b!.text) && c && (w(c) || quotedIdent(c) || c.type === 'other')) return i;
        // After punctuation (`/CREATE TABLE Persons`) the statement must end at its name or open
        // its column list; `- create table of contents` goes on as prose.
        if (
          i > 0 &&
          (t[i - 1].type === 'op' || t[i - 1].type === 'other') &&
          w(b) &&
          OBJECT_KW.has(b!.text) &&
          (w(c) || quotedIdent(c)) &&
          (!d || d.type === 'lparen' || d.type === 'semi' || d.type === 'comment')
        )
          return i;
        if (a.text === 'alter' && w(b, 'table')) return i;
        break;
      case 'insert':
        if (w(b, 'into') && (w(c) || quotedIdent(c)) && (d?.type === 'lparen' || w(d, 'values') || w(d, 'select')))
          return i;
        break;
      case 'delete':
        if (
          w(b, 'from') &&
          (w(c) || quotedIdent(c)) &&
          (!d || w(d, 'where') || d.type === 'semi' || d.type === 'comment')
        )
          return i;
        break;
      case 'update':
        if (
          (w(b) || quotedIdent(b)) &&
          w(c, 'set') &&
          (w(d) || quotedIdent(d)) &&
          t[i + 4]?.type === 'op' &&
          t[i + 4].text === '='
        )
          return i;
        break;
      case 'group':
        if (w(b, 'by')) for (let k = i + 2; k < Math.min(t.length, i + 12); k++) if (w(t[k], 'having')) return i;
        break;
      case 'order':
        // Column-count probe after a value: `1 order by 5--`, `x' order by 3#`.
        if (
          w(b, 'by') &&
          c?.type === 'num' &&
          i > 0 &&
          ['num', 'str', 'rparen'].includes(t[i - 1].type) &&
          (!d || d.type === 'comment' || d.type === 'semi' || (d.type === 'comma' && t[i + 4]?.type === 'num'))
        )
          return i;
        break;
      case 'having':
        if (b && ((w(b) && c?.type === 'lparen') || b.type === 'num') && i > 0) return i;
        break;
      case 'case':
        // "Case when I fell behind then …" starts a sentence; `case when … then` / `CASE WHEN` is SQL.
        if (titleCase(src, a.pos - shift)) break;
        if (w(b, 'when') && (atStart || w(t[i - 1], 'select') || t[i - 1]?.type === 'comma' || t[i - 1]?.type === 'op'))
          for (let k = i + 2; k < Math.min(t.length, i + 10); k++) if (w(t[k], 'then')) return i;
        break;
      case 'as':
        // `1 as \`x\` from`, `) as "a",`: an alias continues a select list. Without that continuation
        // (or an identifier the query closes: `6 as" from`) it is prose or markdown (`Run \`npm test\` as \`root\``, `known "Samuel" as "Sam"`).
        if (
          i > 0 &&
          (t[i - 1].type === 'num' ||
            quotedIdent(t[i - 1]) ||
            t[i - 1].type === 'rparen' ||
            (t[i - 1].type === 'str' && t[i - 1].quote === "'")) &&
          (quotedIdent(b) || (w(b) && w(c, 'from') && t[i - 1].type !== 'str')) &&
          (w(c, 'from') ||
            c?.type === 'comment' ||
            (c?.type === 'comma' && fromWithin(t, i + 3, 12)) ||
            (!c && b!.closed === false))
        )
          return i;
        if (i > 0 && quotedIdent(t[i - 1]) && w(b) && w(c, 'from')) return i;
        break;
      case 'like':
        if (i > 0 && t[i - 1].type === 'rparen' && b?.type === 'lparen') return i;
        break;
      case 'from':
        // `FROM information_schema.` handled by dangerous objects; `from dual` is Oracle probing.
        if (w(b, 'dual')) return i;
        break;
    }
  }
  return -1;
}

/**
 * Numbers used to trigger overflow bugs. Integers at type limits are also ordinary ids and sentinels
 * (error level); the two denormal doubles hang PHP's and Java's float parsers and mean nothing else.
 */
const OVERFLOW_INTEGERS = new Set([
  '2147483648',
  '4294967295',
  '4294967296',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551615',
  '18446744073709551616',
]);
const HANG_FLOATS = new Set(['2.2250738585072011e-308', '2.2250738585072012e-308']);
export function magicNumber(value: string): 'integer' | 'float' | null {
  const v = value.trim().toLowerCase();
  return OVERFLOW_INTEGERS.has(v) ? 'integer' : HANG_FLOATS.has(v) ? 'float' : null;
}
