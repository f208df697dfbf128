import { isWordCode, NeedleSet } from '../lib/match.ts';
import { STRONG_COMMANDS, WEAK_COMMANDS } from '../lib/shell-commands.ts';

/**
 * Shell syntax that only evasion uses: variable and arithmetic tricks, shellshock and fork-bomb
 * function definitions, glob- and brace-obfuscated paths, alias definitions. Linear scanners.
 */

const EVASIONS = [
  '$[',
  '${ifs',
  '$ifs',
  '$@',
  '${path',
  '${home',
  '${shell',
  '${pwd',
  '$(())',
  '$((',
  '${#',
  '${!',
  '${x#',
  '<<<',
];
const EVASION_SET = new NeedleSet(EVASIONS);

export function evasion(s: string): number {
  const k = EVASION_SET.find(s);
  if (k >= 0) return k;
  const sh = s.indexOf('() {');
  // A value that opens with `() {` is the shellshock function-definition prefix.
  if (sh >= 0 && s.trimStart().startsWith('() {')) return sh;
  if (sh >= 0 && (s.indexOf(':;', sh) >= 0 || s.indexOf(';}', sh) >= 0)) return sh;
  return forkBomb(s);
}

/** `:(){ :|:& };:`, `f(){f|f&};f`: a shell function that pipes itself into itself in the background. */
function forkBomb(s: string): number {
  let k = s.indexOf('()');
  let n = 0;
  while (k >= 0 && n++ < 64) {
    let b = k;
    while (b > 0 && k - b < 16 && (isWordCode(s.charCodeAt(b - 1)) || s[b - 1] === ':' || s[b - 1] === '.')) b--;
    const name = s.slice(b, k);
    let j = k + 2;
    while (s[j] === ' ') j++;
    if (name && s[j] === '{') {
      const close = s.indexOf('}', j);
      const body =
        close > j && close - j < 40
          ? s
              .slice(j + 1, close)
              .split(' ')
              .join('')
          : '';
      if (body.startsWith(name + '|' + name + '&')) return b;
    }
    k = s.indexOf('()', k + 2);
  }
  return -1;
}

/**
 * A bracket glob inside a path (`/[e//]tc/pa[?]swd`, `/usr/[a-z]in/bash`): short class body of
 * letters, `!^-?*` and slashes, glued to letters on the right, in a token that already contains `/`.
 */
export function bracketGlob(s: string): number {
  let k = s.indexOf('[');
  let n = 0;
  while (k >= 0 && n++ < 256) {
    const close = s.indexOf(']', k + 1);
    if (close < 0) return -1;
    let ok = close > k + 1 && close - k <= 12 && isAlpha(s.charCodeAt(close + 1));
    for (let q = k + 1; ok && q < close; q++) ok = isAlpha(s.charCodeAt(q)) || '!^-?*/'.includes(s[q]);
    if (ok) {
      let b = k - 1;
      while (b >= 0 && s[b] !== ' ' && s[b] !== '\t' && s[b] !== '=' && s[b] !== '\n') b--;
      if (s.slice(b + 1, k).includes('/')) return k;
    }
    k = s.indexOf('[', k + 1);
  }
  return -1;
}

function isAlpha(c: number): boolean {
  return c >= 97 && c <= 122;
}

/**
 * Brace expansion used to hide a command name: `{,ifconfig}`, `{id,}`, `c{a,oun}t`, `{l,-lh}s`.
 * The body has a comma and no spaces, quotes or colons (unlike JSON or prose sets), and either a
 * leading/trailing comma or a letter glued to the braces.
 */
export function braceExpansion(s: string): number {
  let k = s.indexOf('{');
  let n = 0;
  while (k >= 0 && n++ < 256) {
    const close = s.indexOf('}', k + 1);
    if (close < 0) return -1;
    const body = s.slice(k + 1, close);
    // `{2,}`, `{1,3}`: a regex quantifier; expansions that run something have letters.
    if (body.length <= 40 && body.includes(',') && !/[\s"':{]/.test(body) && /[a-z]/.test(body)) {
      const glued = isAlpha(s.charCodeAt(k - 1)) || isAlpha(s.charCodeAt(close + 1));
      if (body[0] === ',' || body[body.length - 1] === ',' || glued) return k;
      // `{cat,/etc/passwd}`, `{wget,http://x}`: the first element is the command, the rest its arguments.
      const head = body.slice(0, body.indexOf(','));
      const rest = body.slice(head.length + 1);
      if (
        STRONG_COMMANDS.has(head) ||
        (WEAK_COMMANDS.has(head) && (rest[0] === '/' || rest[0] === '-' || rest[0] === '.'))
      )
        return k;
    }
    k = s.indexOf('{', k + 1);
  }
  return -1;
}

/** `alias name=value` (with optional -p / +m style flags) defines a command: never marketplace text. */
export function aliasDefinition(s: string): number {
  let k = s.indexOf('alias');
  while (k >= 0) {
    const before = k === 0 ? ' ' : s[k - 1];
    if (' ;&|\n\t(`'.includes(before) && (s[k + 5] === ' ' || s[k + 5] === '\t')) {
      let j = k + 5;
      for (let tok = 0; tok < 4; tok++) {
        while (s[j] === ' ' || s[j] === '\t') j++;
        let e = j;
        while (e < s.length && s[e] !== ' ' && s[e] !== '\t' && s[e] !== '=') e++;
        if (s[e] === '=' && e > j && !s.slice(j, e).includes(',')) return k;
        if (s[j] !== '-' && s[j] !== '+') break;
        j = e;
      }
    }
    k = s.indexOf('alias', k + 5);
  }
  return -1;
}

/** Characters of a wildcard path token: lower-case names, digits, dots, dashes, `_`, `/`, `?` and `*`. */
const isPathTokenCode = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 95 || c === 47 || c === 63 || c === 42;
/** Ends a token: whitespace and the shell's separators and substitutions. */
const TOKEN_END = ' \t\n\r;|&`()<>\'"';

/**
 * A path segment whose wildcards replace letters: any `?` (`c?t`, `???`), or a `*` between two
 * word characters (`c*t`, `pa*d`). A shell user's own globs (`*.log`, a lone `*`) do not count.
 */
function standsInForLetters(seg: string): boolean {
  if (seg.includes('?')) return true;
  for (let i = seg.indexOf('*'); i > 0; i = seg.indexOf('*', i + 1))
    if (i + 1 < seg.length && isWordCode(seg.charCodeAt(i - 1)) && isWordCode(seg.charCodeAt(i + 1))) return true;
  return false;
}

/**
 * `/???/c?t /e??/p?ss??`, `;?at /?tc/?asswd`: shell wildcards standing in for the letters of a
 * command or file, so that no name is spelled out. A path token (`/…`, whitespace or a separator
 * before it) made only of names, dots, dashes and wildcards counts once a segment has wildcards
 * for letters (`standsInForLetters`); the value is flagged with two such segments in one token, or
 * two tokens with one each (a command and its file). Trailing `?` are dropped first: "did you mean
 * /login? or /signup?" asks questions. A URL's query (`/search?q=1`) has `=` and is no such token.
 */
function wildcardPaths(s: string): number {
  let first = -1;
  let segments = 0;
  for (let k = s.indexOf('/'); k >= 0; k = s.indexOf('/', k + 1)) {
    if (k > 0 && !TOKEN_END.includes(s[k - 1])) continue;
    let e = k;
    while (e < s.length && isPathTokenCode(s.charCodeAt(e))) e++;
    if (e < s.length && !TOKEN_END.includes(s[e])) {
      k = e;
      continue;
    }
    let end = e;
    while (end > k && s[end - 1] === '?') end--;
    let inToken = 0;
    for (const seg of s.slice(k + 1, end).split('/')) if (standsInForLetters(seg)) inToken++;
    if (inToken) {
      if (first < 0) first = k;
      segments += inToken;
      if (inToken >= 2 || segments >= 2) return first;
    }
    k = e;
  }
  return -1;
}

export function globPath(s: string): number {
  if ((s.indexOf('?') >= 0 || s.indexOf('*') >= 0) && s.indexOf('/') >= 0) {
    const k = wildcardPaths(s);
    if (k >= 0) return k;
  }
  if (
    s.indexOf('[') < 0 &&
    s.indexOf('?') < 0 &&
    s.indexOf('*') < 0 &&
    s.indexOf("'") < 0 &&
    s.indexOf('"') < 0 &&
    s.indexOf('\\') < 0
  )
    return -1;
  // Drop glob/quote noise and repeated slashes; parts are collected and joined once (linear).
  const parts: string[] = [];
  let prev = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '[' || c === ']' || c === "'" || c === '"' || c === '\\') continue;
    if (c === '/' && prev === '/') continue;
    parts.push(c);
    prev = c;
  }
  const cleaned = parts.join('');
  if (cleaned === s) return -1;
  for (const p of ['/etc/passwd', '/etc/shadow', '/bin/', '/usr/bin', '/etc/hosts', '/proc/self'])
    if (cleaned.includes(p)) return 0;
  return -1;
}
