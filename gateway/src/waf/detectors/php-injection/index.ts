/*
 * Needs (pre-check): one of < [ { : ( $ = (or a file-name target for WAF_PHP_006); WAF_PHP_004 needs
 * `(`, WAF_PHP_005 `$`, WAF_PHP_001 `<`, `[` or `{`, WAF_PHP_002/003 `:`, WAF_PHP_007 `=`.
 */
import type { Detector, Match, RuleMeta, Target } from '../../types.ts';
import { hasAny } from '../../views.ts';
import { isWordCode, matchAt, NeedleSet } from '../lib/match.ts';
import { builtinCall, dataWrapper, dynamicCall, skipGap } from './php-syntax.ts';
import { STRONG_COMMANDS } from '../lib/shell-commands.ts';

const RULES = [
  {
    id: 'WAF_PHP_001',
    family: 'php',
    severity: 'critical',
    paranoia: 1,
    description: 'PHP open tag or BBCode-style PHP block (<?php, <?=, <? echo, [php])',
  },
  {
    id: 'WAF_PHP_002',
    family: 'php',
    severity: 'critical',
    paranoia: 1,
    description:
      'PHP stream wrapper (php://, phar://, zip://, expect://, compress.zlib://, a value that is a plain-text data: URI)',
  },
  {
    id: 'WAF_PHP_003',
    family: 'php',
    severity: 'critical',
    paranoia: 1,
    description: 'PHP serialized object (O:8:"stdClass":…)',
  },
  {
    id: 'WAF_PHP_004',
    family: 'php',
    severity: 'critical',
    paranoia: 1,
    description:
      "PHP code-execution function call (shell_exec(, passthru /*…*/ (, base64_decode(, system('…'), (\"system\")(…), posix_*( …), a dynamic call of a computed name ((sy.(st).em)('uname');) or a value that is one PHP builtin call (intval(foo), is_array())",
  },
  {
    id: 'WAF_PHP_005',
    family: 'php',
    severity: 'critical',
    paranoia: 1,
    description: "PHP superglobal or variable-function trick ($_GET, $GLOBALS, $x(, ${'…'})",
  },
  {
    id: 'WAF_PHP_006',
    family: 'php',
    severity: 'critical',
    paranoia: 1,
    description: 'Upload of an executable PHP file name (.php, .phtml, .phar …)',
  },
  {
    id: 'WAF_PHP_007',
    family: 'php',
    severity: 'critical',
    paranoia: 1,
    description: 'PHP configuration directive injection (auto_prepend_file=, allow_url_include=)',
  },
] as const satisfies readonly RuleMeta[];

const WRAPPERS = [
  'php://',
  'phar://',
  'zip://',
  'expect://',
  'compress.zlib://',
  'compress.bzip2://',
  'zlib://',
  'glob://',
  'ogg://',
  'rar://',
  'ssh2.shell://',
  'ssh2.exec://',
];
/** PHP-only function names: any call is code. */
const PHP_FUNCS = [
  'shell_exec',
  'passthru',
  'proc_open',
  'popen',
  'pcntl_exec',
  'base64_decode',
  'gzinflate',
  'gzuncompress',
  'gzdecode',
  'str_rot13',
  'call_user_func',
  'call_user_func_array',
  'create_function',
  'phpinfo',
  'file_get_contents',
  'file_put_contents',
  'move_uploaded_file',
  'fsockopen',
  'assert_options',
  'preg_replace',
  'array_map',
  'array_filter',
  'usort',
  'uasort',
  'register_shutdown_function',
  'register_tick_function',
  'ini_set',
  'ini_get',
  'set_include_path',
  'highlight_file',
  'show_source',
  'php_uname',
  'getenv',
  'putenv',
  'posix_getpwuid',
  'posix_kill',
  'proc_nice',
  'fputcsv',
  'fwrite',
  'fputs',
  'fopen',
  'readfile',
  'unserialize',
  'serialize',
  'var_dump',
  'print_r',
  'var_export',
  'escapeshellcmd',
  'escapeshellarg',
  'chmod',
  'symlink',
  'stream_get_contents',
  'get_defined_vars',
  'extract',
  'parse_str',
  'mb_ereg_replace',
  'iconv',
  'hex2bin',
  'bin2hex',
  'convert_uudecode',
  'str_replace',
  'strrev',
  'dl',
  'opcache_get_status',
  'curl_exec',
  'is_callable',
];
/** Names that are also words: only a call with a code-shaped argument counts (`system('id')`). */
/** WORDY_FUNCS that only print or stop: harmless with a string literal argument. */
const OUTPUT_ONLY = new Set(['echo', 'print', 'die', 'exit']);
const WORDY_FUNCS = [
  'system',
  'exec',
  'eval',
  'assert',
  'include',
  'require',
  'include_once',
  'require_once',
  'echo',
  'print',
  'die',
  'exit',
];
const SUPERGLOBALS = [
  '$_get',
  '$_post',
  '$_request',
  '$_cookie',
  '$_server',
  '$_files',
  '$_env',
  '$_session',
  '$globals',
  '$http_raw_post_data',
  '$http_get_vars',
  '$http_post_vars',
];
const EXEC_EXT = [
  '.php',
  '.phtml',
  '.php3',
  '.php4',
  '.php5',
  '.php7',
  '.php8',
  '.phar',
  '.phpt',
  '.pht',
  '.phps',
  '.pgif',
  '.shtml',
  '.htaccess',
  '.user.ini',
  '.jsp',
  '.jspx',
  '.asp',
  '.aspx',
  '.cgi',
];
const INI_DIRECTIVES = [
  'auto_prepend_file',
  'auto_append_file',
  'allow_url_include',
  'allow_url_fopen',
  'disable_functions',
  'open_basedir',
  'safe_mode',
  'register_globals',
  'enable_dl',
  'mbstring.func_overload',
  'session.auto_start',
  'session.save_path',
  'error_log',
  'include_path',
  'short_open_tag',
  'opcache.',
  'mbstring.',
  'unserialize_',
  'pcre.',
  'engine',
  'zend.',
  'xdebug.',
  'phar.readonly',
  'extension_dir',
  'sendmail_path',
  'output_handler',
];

/** PHP extension prefixes: an identifier starting with one and then called is PHP code (`posix_getegid()`). */
const PHP_PREFIXES = [
  'posix_',
  'pcntl_',
  'curl_',
  'zlib_',
  'proc_',
  'stream_',
  'ob_',
  'func_',
  'get_defined_',
  'preg_',
  'ini_',
  'socket_',
  'apache_',
  'mb_ereg',
  'openssl_',
  'shell_',
  'call_user',
  'create_',
  'highlight_',
  'show_',
  'php_',
  'escapeshell',
  'gzun',
  'gzde',
  'gzin',
  'bzde',
  'pfsock',
  'fsock',
];
/** Functions that run commands or code: as a quoted or parenthesised callee they are always an attack. */
const EXEC_CALLEES = ['system', 'exec', 'passthru', 'shell_exec', 'popen', 'proc_open', 'assert', 'pcntl_exec'];
/** Everyday PHP library calls: an empty `str_replace()` is someone naming the function in prose. */
const MENTIONED_API = new Set([
  'str_replace',
  'array_map',
  'array_filter',
  'usort',
  'uasort',
  'preg_replace',
  'var_dump',
  'print_r',
  'var_export',
  'serialize',
  'unserialize',
  'fputcsv',
  'iconv',
  'bin2hex',
  'hex2bin',
  'strrev',
  'is_callable',
  'fwrite',
  'fputs',
  'fopen',
  'readfile',
  'parse_str',
  'extract',
  'file_get_contents',
  'file_put_contents',
  'mb_ereg_replace',
  'stream_get_contents',
  'ini_get',
  'getenv',
  'escapeshellarg',
  'escapeshellcmd',
]);
/** Names too English to accept with spaces before the parenthesis. */
const PROSE_NAMES = new Set(['extract', 'dl', 'serialize', 'symlink', 'chmod', 'usort', 'iconv']);

/** `("system")(`, `(system)(`, `'system'(`, `[system][0](`: an exec function name used as a value then called. */
function quotedCallee(s: string): number {
  for (const f of EXEC_CALLEES) {
    let k = s.indexOf(f);
    while (k >= 0) {
      const before = s[k - 1];
      if (k > 0 && '("\'[. '.includes(before) && !isWordCode(s.charCodeAt(k + f.length))) {
        let j = k + f.length;
        let closers = 0;
        while (j < s.length && j - k < f.length + 24 && ' )]"\'0123456789['.includes(s[j])) {
          if (s[j] !== ' ') closers++;
          j++;
        }
        const g = skipGap(s, j);
        if (closers > 0 && s[g.at] === '(' && codeArgument(s, g.at + 1)) return k;
      }
      k = s.indexOf(f, k + 1);
    }
  }
  return -1;
}

/** After `(`: a quote, `$`, `)` or one bare word then `)` (`('id')`, `( ls )`), not a parenthetical remark. */
function codeArgument(s: string, j: number): boolean {
  const a = skipGap(s, j).at;
  const c = s[a];
  if (c === '"' || c === "'" || c === '$' || c === ')' || c === '`') return true;
  let e = a;
  while (e < s.length && isWordCode(s.charCodeAt(e))) e++;
  return e > a && s[skipGap(s, e).at] === ')';
}

/** `system(whoami)`: an exec function called on a bare shell command name. */
function execOnCommand(s: string): number {
  for (const f of ['system(', 'exec(', 'passthru(', 'shell_exec(', 'popen(']) {
    let k = s.indexOf(f);
    while (k >= 0) {
      let e = k + f.length;
      while (e < s.length && isWordCode(s.charCodeAt(e))) e++;
      if (
        (k === 0 || !isWordCode(s.charCodeAt(k - 1))) &&
        (s[e] === ')' || s[e] === ' ') &&
        STRONG_COMMANDS.has(s.slice(k + f.length, e))
      )
        return k;
      k = s.indexOf(f, k + 1);
    }
  }
  return -1;
}

/** An identifier with a PHP extension prefix, then (after an optional gap) `(`. */
function prefixedCall(s: string): number {
  for (const p of PHP_PREFIXES) {
    let k = s.indexOf(p);
    while (k >= 0) {
      let e = k + p.length;
      while (e < s.length && isWordCode(s.charCodeAt(e))) e++;
      const name = s.slice(k, e);
      const g = skipGap(s, e);
      if (e > k + p.length && s[g.at] === '(' && (g.at === e || g.odd) && (name.includes('_') || name.length >= 8))
        return k;
      k = s.indexOf(p, e > k ? e : k + 1);
    }
  }
  return -1;
}

/** Statements a short open tag (`<? …`) starts with in real payloads. */
const SHORT_TAG_HEADS = new Set([
  'echo',
  'print',
  'system',
  'exec',
  'eval',
  'passthru',
  'include',
  'require',
  'if',
  'for',
  'foreach',
  'while',
  'die',
  'exit',
  'phpinfo',
  'assert',
  'fwrite',
  'readfile',
  'function',
  'class',
  'return',
  'global',
  'header',
  'copy',
  'unlink',
  'define',
  'session_start',
  'error_reporting',
  'set_time_limit',
  'ini_set',
  'var_dump',
  'print_r',
  'fputs',
  'fopen',
  'chmod',
  'mkdir',
  'file',
  'list',
  'array',
  'isset',
  'unset',
  'empty',
  'new',
  'static',
  'try',
  'switch',
  'goto',
  'namespace',
  'use',
  'declare',
  'sleep',
  'usleep',
  'mail',
  'popen',
  'proc_open',
  'shell_exec',
  'base64_decode',
  'gzinflate',
  'str_rot13',
  'create_function',
  'call_user_func',
  'preg_replace',
  'move_uploaded_file',
  'highlight_file',
  'show_source',
  'php_uname',
  'getenv',
  'putenv',
]);

function openTag(s: string): number {
  let k = s.indexOf('<?');
  while (k >= 0) {
    let j = k + 2;
    if (s[j] === '=') return k;
    if (s.startsWith('php', j)) return k;
    while (j < s.length && (s[j] === ' ' || s[j] === '\t' || s[j] === '\n' || s[j] === '\r')) j++;
    if (s.startsWith('php', j)) return k;
    let e = j;
    while (e < s.length && isWordCode(s.charCodeAt(e))) e++;
    const w = s.slice(j, e);
    // `<?xml :fputcsv(`: a colon right after the target name is PHP's short-tag trick.
    if (w === 'xml' && s[skipGap(s, e).at] === ':') return k;
    // `<? echo …`, `<? system(…)`, `<? $x=…`: short tag then PHP; "<? should not" is prose.
    if (
      j > k + 2 &&
      w &&
      w !== 'xml' &&
      w !== 'xpacket' &&
      w !== 'import' &&
      (SHORT_TAG_HEADS.has(w) || w.includes('_') || s[e] === '(' || s[skipGap(s, e).at] === '(')
    )
      return k;
    if (j > k + 2 && s[j] === '$') return k;
    k = s.indexOf('<?', k + 2);
  }
  for (const m of ['[php]', '{php}', '[/php]', '{/php}', '[\\php]']) {
    const i = s.indexOf(m);
    if (i >= 0) return i;
  }
  return -1;
}

function serialized(s: string): number {
  for (const lead of ['o:', 'c:', 'a:']) {
    let k = s.indexOf(lead);
    while (k >= 0) {
      if (k === 0 || !isWordCode(s.charCodeAt(k - 1))) {
        let j = k + 2;
        const d0 = j;
        while (j < s.length && j - d0 < 6 && s[j] >= '0' && s[j] <= '9') j++;
        if (j > d0 && s[j] === ':' && (lead === 'a:' ? s[j + 1] === '{' : s[j + 1] === '"')) return k;
      }
      k = s.indexOf(lead, k + 1);
    }
  }
  return -1;
}

/** Every function name in one pass, so values naming none skip the per-name loops. */
const NONE: readonly string[] = [];
const FUNC_SET = new NeedleSet([...PHP_FUNCS, ...WORDY_FUNCS].filter((f) => f.length >= 2));

function funcCall(s: string): number {
  const named = FUNC_SET.find(s) >= 0;
  for (const f of named ? PHP_FUNCS : NONE) {
    let k = s.indexOf(f);
    while (k >= 0) {
      const g = skipGap(s, k + f.length);
      const j = g.at;
      const prevOk = k === 0 || !isWordCode(s.charCodeAt(k - 1));
      // Underscored names are PHP-only (a prefix is still a call: FOOcall_user_func()); plain ones
      // must be written as calls after a word boundary (spaces only for non-English names).
      const mention = s[j + 1] === ')' && MENTIONED_API.has(f);
      if (
        s[j] === '(' &&
        !mention &&
        (f.includes('_') || (prevOk && (j === k + f.length || g.odd || !PROSE_NAMES.has(f))))
      )
        return k;
      k = s.indexOf(f, k + 1);
    }
  }
  for (const f of named ? WORDY_FUNCS : NONE) {
    // `exec /*x*/ (`, `exec\n(`: a comment or line break before the parenthesis is code, not prose.
    let w = s.indexOf(f);
    while (w >= 0) {
      const g = skipGap(s, w + f.length);
      if (g.odd && s[g.at] === '(' && (w === 0 || !isWordCode(s.charCodeAt(w - 1)))) return w;
      w = s.indexOf(f, w + f.length);
    }
    let k = s.indexOf(f + '(');
    while (k >= 0) {
      const a = s[k + f.length + 1];
      // Output-only calls with a plain string (`print('hello world')` in an essay about Python)
      // print text; with a variable, a backtick (shell) or `@` they are code.
      const quoted = (a === '"' || a === "'") && !OUTPUT_ONLY.has(f);
      if ((k === 0 || !isWordCode(s.charCodeAt(k - 1))) && (quoted || a === '$' || a === '`' || a === '@')) return k;
      k = s.indexOf(f + '(', k + 1);
    }
  }
  const q = quotedCallee(s);
  if (q >= 0) return q;
  const dyn = dynamicCall(s);
  if (dyn >= 0) return dyn;
  const c = execOnCommand(s);
  if (c >= 0) return c;
  return prefixedCall(s);
}

/** Index of the bracket closing the one at `open` (nested `$__[$_[1]]`), looking 24 characters ahead. */
function matchingClose(s: string, open: number, close: string): number {
  let depth = 0;
  for (let j = open; j < s.length && j - open <= 24; j++) {
    if (s[j] === s[open]) depth++;
    else if (s[j] === close && --depth === 0) return j;
  }
  return -1;
}

function superglobal(s: string): number {
  if (s.indexOf('$') < 0) return -1;
  for (const g of SUPERGLOBALS) {
    const k = s.indexOf(g);
    if (k >= 0 && !isWordCode(s.charCodeAt(k + g.length))) return k;
  }
  for (let k = s.indexOf('$'); k >= 0; k = s.indexOf('$', k + 1)) {
    let j = k + 1;
    while (s[j] === ' ' || s[j] === '\t') j++;
    // ${'x'} / ${$a}: variable-variable syntax.
    if (s[j] === '{' && (s[j + 1] === "'" || s[j + 1] === '"' || s[j + 1] === '$' || s[j + 1] === ' ')) {
      let q = j + 1;
      while (s[q] === ' ') q++;
      if (s[q] === "'" || s[q] === '"' || s[q] === '$') return k;
    }
    // ${@a}(…), ${_.__}(…): a braced variable expression called.
    if (s[j] === '{') {
      const close = s.indexOf('}', j + 1);
      if (close > j + 1 && close - j <= 24 && s[skipGap(s, close + 1).at] === '(') return k;
    }
    // $x( / $___[…]( / @$b374k( / $a/*c*/() / $OOO{0}(: calling a variable.
    let e = k + 1;
    while (e < s.length && isWordCode(s.charCodeAt(e))) e++;
    if (e > k + 1 && !(s.charCodeAt(k + 1) >= 48 && s.charCodeAt(k + 1) <= 57)) {
      let at = e;
      let indexed = false;
      for (let n = 0; n < 6; n++) {
        const g = skipGap(s, at);
        const c = s[g.at];
        if (c === '(' && (g.odd || indexed || g.at === at)) return k;
        if (c !== '[' && c !== '{') break;
        const close = matchingClose(s, g.at, c === '[' ? ']' : '}');
        if (close <= g.at + 1 || close - g.at > 24) break; // `$a[]()` / `$a{}()` do not parse
        at = close + 1;
        indexed = true;
      }
    }
    if (e > k + 1) {
      if (s[e] === '[') {
        const close = s.slice(e, e + 24).indexOf(']');
        if (close > 1 && s[e + close + 1] === '(') return k;
      }
      if (s[e] === '(' && !(s.charCodeAt(k + 1) >= 48 && s.charCodeAt(k + 1) <= 57)) return k;
    }
  }
  return -1;
}

/** PHP session files are named `sess_` + a 20+ character id: uploading one plants a session. */
function sessionFile(t: string): boolean {
  const base = t.slice(Math.max(t.lastIndexOf('/'), t.lastIndexOf('\\')) + 1);
  if (!base.startsWith('sess_') || base.length < 25) return false;
  for (let i = 5; i < base.length; i++)
    if (!isWordCode(base.charCodeAt(i)) && base[i] !== '-' && base[i] !== ',') return false;
  return true;
}

function execFilename(s: string): boolean {
  let t = s.trim();
  if (sessionFile(t)) return true;
  while (t.endsWith('.') || t.endsWith(' ')) t = t.slice(0, -1);
  t = t.split(' ').join('');
  return (
    EXEC_EXT.some((e) => t.endsWith(e)) ||
    /* a.php.jpg double extension */ ['.php.', '.phtml.', '.phar.'].some((e) => t.includes(e))
  );
}

function iniDirective(s: string): number {
  for (const d of INI_DIRECTIVES) {
    const k = s.indexOf(d);
    if (k < 0 || (k > 0 && isWordCode(s.charCodeAt(k - 1)))) continue;
    let e = k + d.length;
    while (e < s.length && (isWordCode(s.charCodeAt(e)) || s[e] === '.')) e++;
    while (s[e] === ' ') e++;
    if (s[e] === '=' && (k === 0 || s[k - 1] === '\n' || s[k - 1] === ';' || s[k - 1] === ' ' || s[k - 1] === '-')) {
      if (d === 'engine' && k !== 0) continue;
      return k;
    }
  }
  return -1;
}

function push(found: Match[], target: Target, id: string, at: number): void {
  if (at >= 0) found.push(matchAt(id, target, at));
}

/** PHP injection: open tags, wrappers, serialized objects, PHP-only calls, superglobals, uploads. */
/** A header named for a file name once `-`, `_` and `.` are dropped (`X-File-Name`, `x_filename`). */
function filenameHeader(name: string): boolean {
  return name.indexOf('name') >= 0 && name.replace(/[-_.]/g, '').includes('filename');
}

export const phpInjection = {
  name: 'php-injection',
  rules: RULES,
  detect(target, views) {
    const v = target.value;
    if (v.length < 3) return [];
    const has = views.has;
    const s = views.lower;
    const found: Match[] = [];
    const fileish = target.kind === 'filename' || (target.kind === 'header' && filenameHeader(target.name));
    if (!hasAny(has, '<[{:($=') && !fileish) return found;
    if (has[60] || has[91] || has[123]) push(found, target, 'WAF_PHP_001', openTag(s));
    if (has[58] && s.indexOf('://') >= 0) {
      for (const w of WRAPPERS) {
        const k = s.indexOf(w);
        if (k >= 0) {
          push(found, target, 'WAF_PHP_002', k);
          break;
        }
      }
    }
    if (has[58] && !found.length && dataWrapper(s)) push(found, target, 'WAF_PHP_002', s.indexOf('data:'));
    if (has[58]) push(found, target, 'WAF_PHP_003', serialized(s));
    if (has[40]) {
      let k = funcCall(s);
      if (k < 0) k = builtinCall(s, target.kind === 'path');
      push(found, target, 'WAF_PHP_004', k);
    }
    if (has[36]) push(found, target, 'WAF_PHP_005', superglobal(s));
    if (fileish && execFilename(s)) push(found, target, 'WAF_PHP_006', 0);
    if (has[61] && target.kind !== 'header' && target.kind !== 'cookie')
      push(found, target, 'WAF_PHP_007', iniDirective(s));
    return found;
  },
} satisfies Detector;
