import type { SqlToken } from './sql-tokenizer.ts';
import { BLIND_FUNCS, isWord } from './sql-patterns.ts';

/**
 * SQL-only objects and obfuscations: system schemas and functions, MySQL executable comments and
 * empty-exponent floats, JSON operators on JSON literals. Each returns the index of the token where
 * the pattern starts, or -1, looking a few tokens ahead of each start: linear overall.
 */

/** Objects and functions with no business outside SQL attacks. */
const DANGER_WORDS = new Set([
  'information_schema',
  'xp_cmdshell',
  'sp_executesql',
  'sp_oacreate',
  'sp_makewebtask',
  'sysobjects',
  'syscolumns',
  'pg_shadow',
  'pg_user',
  'sqlite_master',
  'msysaccessobjects',
  'msysobjects',
  'all_tables',
  'user_tables',
  'utl_http',
  'utl_inaddr',
  'dbms_xmlgen',
  'pg_read_file',
  'pg_ls_dir',
  'lo_import',
  'xp_regread',
  'xp_dirtree',
  'sys.dm_exec_sessions',
  'mysql.user',
  'openrowset',
  'opendatasource',
  'sysdatabases',
  'pg_catalog',
  'tempdb',
  'msdb',
  'schema_name',
  'table_name',
  'column_name',
  'pg_sleep',
  'sysusers',
  'sysprocesses',
  'sp_password',
  'sp_configure',
  'xp_servicecontrol',
  'xp_availablemedia',
  'xp_fileexist',
  'xp_terminate',
  'xp_ntsec',
  'sp_addlogin',
  'sp_addsrvrolemember',
  'dbms_java',
  'utl_file',
  'sys_context',
  'pg_stat_activity',
  'mysql.db',
  'sqlite_version',
]);
const DANGER_FUNCS = new Set([
  'load_file',
  'extractvalue',
  'updatexml',
  'group_concat',
  'json_keys',
  'gtid_subset',
  'exp',
  'name_const',
  'polygon',
  'multipoint',
]);
const DANGER_VARS = new Set([
  '@@version',
  '@@datadir',
  '@@hostname',
  '@@basedir',
  '@@servername',
  '@@tmpdir',
  '@@secure_file_priv',
]);

/** Types (and `table`/`cursor`) that follow `declare @x` in T-SQL. */
const TSQL_TYPES = new Set([
  'int',
  'bigint',
  'varchar',
  'nvarchar',
  'char',
  'nchar',
  'sysname',
  'table',
  'cursor',
  'as',
  'bit',
  'datetime',
  'varbinary',
  'binary',
  'sql_variant',
  'xml',
  'text',
  'ntext',
  'uniqueidentifier',
]);

/** System databases/tables that are a probe even as the whole value (`tempdb`, `mysql.db`). */
export const SYSTEM_OBJECTS = new Set([
  'tempdb',
  'msdb',
  'mysql.db',
  'mysql.user',
  'msysaccessobjects',
  'msysobjects',
  'information_schema',
  'sysobjects',
  'syscolumns',
  'sysdatabases',
  'pg_shadow',
  'pg_catalog',
  'sqlite_master',
  'xp_cmdshell',
  'all_tables',
  'user_tables',
]);

/** `information_schema`, `xp_cmdshell`, `load_file(`, `into outfile`, `@@version` …. */
export function dangerousObject(t: readonly SqlToken[]): number {
  for (let i = 0; i < t.length; i++) {
    const w = t[i];
    if (w.type === 'var' && DANGER_VARS.has(w.text)) return i;
    if (w.type !== 'word') continue;
    if (DANGER_WORDS.has(w.text)) return i;
    if (t[i + 1]?.type === 'dot' && isWord(t[i + 2]) && DANGER_WORDS.has(w.text + '.' + t[i + 2].text)) return i;
    if (
      (w.text === 'exec' || w.text === 'execute') &&
      (isWord(t[i + 1], 'immediate') ||
        (isWord(t[i + 1]) && ['xp_', 'sp_', 'master'].some((p) => t[i + 1].text.startsWith(p))))
    )
      return i;
    if (w.text === 'procedure' && isWord(t[i + 1], 'analyse')) return i;
    if (w.text === 'northwind' && t[i + 1]?.type === 'dot') return i; // sample DB probing; bare it is a company name
    // T-SQL variables: `declare @x [type]`, `exec(@sql)`; a bare `declare @name the winner` stays prose.
    if (
      w.text === 'declare' &&
      t[i + 1]?.type === 'var' &&
      !t[i + 1].text.startsWith('@@') &&
      (!t[i + 2] ||
        t[i + 2].type === 'semi' ||
        t[i + 2].type === 'comment' ||
        (isWord(t[i + 2]) && TSQL_TYPES.has(t[i + 2].text)))
    )
      return i;
    if ((w.text === 'exec' || w.text === 'execute') && t[i + 1]?.type === 'lparen' && t[i + 2]?.type === 'var')
      return i;
    if (
      DANGER_FUNCS.has(w.text) &&
      t[i + 1]?.type === 'lparen' &&
      ((w.text !== 'exp' && w.text !== 'polygon' && w.text !== 'multipoint') ||
        t[i + 2]?.type === 'lparen' ||
        isWord(t[i + 2], 'select') ||
        t[i + 2]?.type === 'op')
    )
      return i;
    if (w.text === 'into' && (isWord(t[i + 1], 'outfile') || isWord(t[i + 1], 'dumpfile'))) return i;
  }
  return -1;
}

/** Length of a leading `1.e` / `1e` (digits, optional `.`, `e`: an empty exponent) in a number token, or 0. */
function emptyExponent(s: string): number {
  let k = 0;
  while (k < s.length && s[k] >= '0' && s[k] <= '9') k++;
  if (k === 0) return 0;
  if (s[k] === '.') k++;
  return s[k] === 'e' && (k + 1 === s.length || s[k + 1] === '.') ? k + 1 : 0;
}
/** Schema objects reached as `1.e.tables` (the lexer keeps `1.e.tables` as one number token). */
const SCHEMA_TABLES = new Set([
  'tables',
  'columns',
  'schemata',
  'routines',
  'processlist',
  'user',
  'users',
  'table_name',
  'column_name',
]);

/**
 * MySQL-only obfuscations attackers use to slip keywords past filters: executable comments
 * `/*!50000select*\/`, and the empty-exponent float glued to a call or a schema table
 * (`1.e(ascii(…`, `information_schema 1.e.tables`), which MySQL parses as if the number were not there.
 */
export function versionComment(t: readonly SqlToken[]): number {
  for (let i = 0; i < t.length; i++) {
    const x = t[i];
    if (x.type === 'comment' && x.quote === '/*!' && isWord(t[i + 1])) return i;
    if (x.type !== 'num') continue;
    const e = emptyExponent(x.text);
    if (!e) continue;
    if (e < x.text.length) {
      if (SCHEMA_TABLES.has(x.text.slice(e + 1))) return i;
      continue;
    }
    const a = t[i + 1];
    const b = t[i + 2];
    if (a?.type === 'lparen' && a.pos === x.pos + e && isWord(b) && (BLIND_FUNCS.has(b!.text) || b!.text === 'select'))
      return i;
  }
  return -1;
}

/** PostgreSQL/MySQL JSON operators on a JSON literal: `'{"a":1}' -> '$.a'`, `'[1]' ? '1'`, `::jsonb #> …`. */
const JSON_OPS = new Set(['->', '?', '@', '<@', '@>', '<', '>']);
function jsonLiteral(t: SqlToken | undefined): boolean {
  if (t?.type !== 'str') return false;
  const s = t.text.trimStart();
  return s.startsWith('{') || s.startsWith('[');
}
export function jsonOperator(t: readonly SqlToken[]): number {
  for (let i = 0; i < t.length; i++) {
    if (!jsonLiteral(t[i])) continue;
    let j = i + 1;
    if (t[j]?.type === 'op' && t[j].text === '::' && (isWord(t[j + 1], 'json') || isWord(t[j + 1], 'jsonb'))) j += 2;
    const op = t[j];
    if (!op) continue;
    const next = t[j + 1];
    if (op.type === 'comment' && op.quote === '#' && j > i + 1) return i; // `::jsonb #>` — `#` lexes as a comment
    if (op.type === 'var' && op.text === '@' && next?.type === 'str') return i;
    if (op.type === 'op' && JSON_OPS.has(op.text)) {
      if (op.text === '<' || op.text === '>') {
        if (next?.type === 'str' && next.text.startsWith('$') && t[j + 2]?.type === 'op') return i;
        continue;
      }
      if (next && (next.type === 'str' || next.type === 'op' || isWord(next, 'array'))) return i;
    }
  }
  return -1;
}
