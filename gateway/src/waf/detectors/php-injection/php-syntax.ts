import { isWordCode } from '../lib/match.ts';
import { STRONG_COMMANDS, WEAK_COMMANDS } from '../lib/shell-commands.ts';

/**
 * PHP syntax scanners shared by the PHP detector: the gap PHP ignores before `(`, calls of computed
 * names, whole-value builtin calls and the `data:` wrapper. Each is linear and bounded per start.
 */

/**
 * Skips what PHP ignores between a callee and its `(`: whitespace and comments (`/* *\/`, `//…`,
 * `#…` to end of line). Bounded to 96 characters. Returns the index after the gap, and whether
 * the gap held more than plain spaces (a comment, tab or newline is never prose).
 */
export function skipGap(s: string, j: number): { at: number; odd: boolean } {
  const limit = Math.min(s.length, j + 96);
  let odd = false;
  while (j < limit) {
    const c = s[j];
    if (c === ' ') j++;
    else if (c === '\t' || c === '\n' || c === '\r') {
      j++;
      odd = true;
    } else if (c === '/' && s[j + 1] === '*') {
      const e = s.indexOf('*/', j + 2);
      if (e < 0 || e > limit) break;
      j = e + 2;
      odd = true;
    } else if ((c === '/' && s[j + 1] === '/') || c === '#') {
      const e = s.indexOf('\n', j);
      if (e < 0 || e > limit) break;
      j = e + 1;
      odd = true;
    } else break;
  }
  return { at: j, odd };
}

/**
 * PHP builtins probed as a whole value (`intval(foo)`, `is_array()`, `filegroup (x)`): the value is
 * one call and nothing else. Names that are also English words (file, copy, header …) need what prose
 * never writes: an empty or `$`/quoted argument, or a tab, line break or comment before `(`.
 */
const PHP_BUILTINS = new Set([
  'intval',
  'floatval',
  'strval',
  'boolval',
  'settype',
  'gettype',
  'is_array',
  'is_int',
  'is_string',
  'is_numeric',
  'is_file',
  'is_dir',
  'is_readable',
  'is_writable',
  'is_executable',
  'file_exists',
  'fileperms',
  'fileowner',
  'filegroup',
  'fileinode',
  'filesize',
  'filemtime',
  'fileatime',
  'filectime',
  'filetype',
  'fgets',
  'fgetc',
  'fread',
  'fscanf',
  'fpassthru',
  'ftruncate',
  'flock',
  'fclose',
  'feof',
  'file',
  'glob',
  'scandir',
  'opendir',
  'readdir',
  'rewinddir',
  'dir',
  'getcwd',
  'chdir',
  'chroot',
  'mkdir',
  'rmdir',
  'unlink',
  'rename',
  'copy',
  'tempnam',
  'tmpfile',
  'touch',
  'chown',
  'chgrp',
  'lchown',
  'link',
  'readlink',
  'realpath',
  'basename',
  'dirname',
  'pathinfo',
  'strip_tags',
  'htmlspecialchars',
  'htmlentities',
  'html_entity_decode',
  'addslashes',
  'stripslashes',
  'nl2br',
  'printf',
  'sprintf',
  'vsprintf',
  'fprintf',
  'sscanf',
  'number_format',
  'str_repeat',
  'str_pad',
  'str_split',
  'strlen',
  'strtolower',
  'strtoupper',
  'substr',
  'strpos',
  'stripos',
  'strrpos',
  'strstr',
  'stristr',
  'strtr',
  'ucfirst',
  'ucwords',
  'wordwrap',
  'implode',
  'explode',
  'join',
  'pack',
  'unpack',
  'crc32',
  'md5_file',
  'sha1_file',
  'hash',
  'hash_file',
  'base64_encode',
  'urlencode',
  'urldecode',
  'rawurlencode',
  'rawurldecode',
  'json_encode',
  'json_decode',
  'gzcompress',
  'gzencode',
  'gzdeflate',
  'ord',
  'chr',
  'phpversion',
  'php_sapi_name',
  'get_current_user',
  'getmypid',
  'getmyuid',
  'gethostname',
  'sys_get_temp_dir',
  'error_reporting',
  'set_time_limit',
  'ignore_user_abort',
  'header',
  'setcookie',
  'session_start',
  'session_id',
  'ob_start',
  'debug_zval_dump',
  'debug_print_backtrace',
  'array_keys',
  'array_values',
  'array_merge',
  'array_reverse',
  'in_array',
  'count',
  'sizeof',
  'range',
  'compact',
  'list',
  'each',
  'constant',
  'define',
  'defined',
  'function_exists',
  'class_exists',
  'method_exists',
  'get_class',
  'get_object_vars',
  'mail',
  'mysql_query',
  'mysqli_query',
  'pg_query',
  'sqlite_query',
  'exec',
  'eval',
  'system',
  'assert',
  'print',
  'echo',
]);
const ENGLISH_BUILTINS = new Set([
  'file',
  'glob',
  'dir',
  'link',
  'copy',
  'touch',
  'rename',
  'header',
  'pack',
  'join',
  'hash',
  'count',
  'range',
  'compact',
  'list',
  'each',
  'constant',
  'define',
  'mail',
  'exec',
  'eval',
  'system',
  'assert',
  'print',
  'echo',
  'ord',
  'chr',
  'settype',
  'defined',
]);

/** The whole value (or the last path segment) is one call of a PHP builtin. */
export function builtinCall(s: string, path: boolean): number {
  let a = path ? s.lastIndexOf('/') + 1 : 0;
  while (s[a] === ' ') a++;
  let e = a;
  while (e < s.length && isWordCode(s.charCodeAt(e))) e++;
  if (e === a || e - a > 24 || !PHP_BUILTINS.has(s.slice(a, e))) return -1;
  const g = skipGap(s, e);
  if (s[g.at] !== '(') return -1;
  const close = s.indexOf(')', g.at);
  if (close < 0 || close - g.at > 64 || (s.indexOf('(', g.at + 1) >= 0 && s.indexOf('(', g.at + 1) < close)) return -1;
  let t = close + 1;
  while (s[t] === ' ' || s[t] === ';') t++;
  if (t < s.length) return -1;
  if (!ENGLISH_BUILTINS.has(s.slice(a, e))) return a;
  const arg = skipGap(s, g.at + 1).at;
  return g.odd || arg === close || '$"\''.includes(s[arg]) ? a : -1;
}

/**
 * Dynamic call of a computed name: `(sy.(st).em)('uname');`, `"sys"."tem" ('id');`,
 * `(string) {[system][0]} (ls);`, `(/*c*\/system)(ls);`. A closing `)`, `]`, `}` or a string that
 * ends a concatenation, then `(` with one quoted or shell-command argument, `)` and `;`.
 */
export function dynamicCall(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length && n < 4096; i++) {
    const c = s[i];
    if (c !== ')' && c !== ']' && c !== '}' && c !== '"' && c !== "'") continue;
    n++;
    const g = skipGap(s, i + 1);
    if (s[g.at] !== '(' || (g.at === i + 1 && (c === '"' || c === "'"))) continue;
    // `(a) (b)` is how prose lists things; code writes `)(` or puts a comment between.
    if (c === ')' && g.at > i + 1 && !g.odd) continue;
    if (c === '"' || c === "'") {
      // The string must close a concatenation: `"t"."em" (`.
      const open = s.lastIndexOf(c, i - 1);
      let b = open - 1;
      while (b >= 0 && s[b] === ' ') b--;
      if (open < 0 || s[b] !== '.') continue;
    }
    const a = skipGap(s, g.at + 1).at;
    let e = a;
    if (s[a] === '"' || s[a] === "'") {
      e = s.indexOf(s[a], a + 1);
      if (e < 0 || e - a > 40) continue;
      e++;
    } else {
      while (e < s.length && isWordCode(s.charCodeAt(e))) e++;
      if (e === a || !(STRONG_COMMANDS.has(s.slice(a, e)) || WEAK_COMMANDS.has(s.slice(a, e)))) continue;
    }
    const r = skipGap(s, e).at;
    if (s[r] !== ')') continue;
    let t = r + 1;
    while (s[t] === ' ') t++;
    if (s[t] === ';') return i;
  }
  return -1;
}

/** Media types PHP's `data:` wrapper is fed code with; images, fonts and documents are ordinary data URIs. */
const DATA_CODE_TYPES = new Set([
  '',
  'text/plain',
  'text/x-php',
  'application/x-php',
  'application/x-httpd-php',
  'text/php',
]);

/** The value is a `data:` / `data://` URI of plain text: what include() and file_get_contents() run or read. */
export function dataWrapper(s: string): boolean {
  let k = 0;
  while (s[k] === ' ') k++;
  if (!s.startsWith('data:', k)) return false;
  k += 5;
  if (s.startsWith('//', k)) k += 2;
  let e = k;
  while (e < s.length && e - k < 40 && s[e] !== ';' && s[e] !== ',') e++;
  return DATA_CODE_TYPES.has(s.slice(k, e).trim());
}
