/**
 * A small SQL lexer in the spirit of libinjection: it knows strings with their quote styles and
 * escapes, comments (`--`, `#`, `/* *\/`, MySQL `/*! *\/`), numbers (decimal, hex, binary),
 * words (keywords, identifiers, functions), backtick identifiers, `@`/`@@` variables, operators
 * and punctuation. One linear pass; the token array is capped so hostile input stays bounded.
 */
type SqlTokenType =
  | 'str'
  | 'num'
  | 'word'
  | 'op'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'semi'
  | 'comment'
  | 'var'
  | 'dot'
  | 'other';

export interface SqlToken {
  type: SqlTokenType;
  /** Lower-cased text for words/ops/vars; the body for strings. */
  text: string;
  /** For strings: the quote character; for comments: `--`, `#`, `/*` or `/*!`. */
  quote?: string;
  /** For strings and block comments: whether the closing delimiter was found. */
  closed?: boolean;
  /** Index in the input where the token starts. */
  pos: number;
}

/** More tokens than this are never needed to see an injection; caps memory on 1 MB inputs. */
const MAX_SQL_TOKENS = 4096;

const OPS3 = new Set(['<=>', '!<>']);
const OPS2 = new Set(['<=', '>=', '<>', '!=', '||', '&&', '::', ':=', '<<', '>>', '!<', '!>', '->']);
const OP1 = '=<>!|&+-*/%^~:?';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c > 127;
}
function isWordPart(c: number): boolean {
  return isWordStart(c) || isDigit(c);
}

/**
 * Tokenizes `input` (optionally as if it started inside a string opened by `prefixQuote`, which is
 * how a value breaks out of `'…'` in the query it lands in).
 */
export function tokenizeSql(input: string, prefixQuote = ''): SqlToken[] {
  const s = prefixQuote + input;
  const n = s.length;
  const out: SqlToken[] = [];
  let i = 0;
  while (i < n && out.length < MAX_SQL_TOKENS) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (c <= 32 || c === 160) {
      i++;
      continue;
    }
    const start = i;
    if (ch === "'" || ch === '"' || ch === '`') {
      // Doubled quotes and backslash escapes stay inside the string.
      let j = i + 1;
      let closed = false;
      while (j < n) {
        const d = s[j];
        if (d === '\\' && ch !== '`') {
          j += 2;
          continue;
        }
        if (d === ch) {
          if (s[j + 1] === ch) {
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        j++;
      }
      const end = Math.min(j, n);
      if (ch === '`')
        out.push({ type: 'word', text: s.slice(i + 1, end).toLowerCase(), quote: '`', closed, pos: start });
      else out.push({ type: 'str', text: s.slice(i + 1, end), quote: ch, closed, pos: start });
      i = closed ? j + 1 : n;
      continue;
    }
    if (ch === '#' || (ch === '-' && s[i + 1] === '-')) {
      out.push({ type: 'comment', text: '', quote: ch === '#' ? '#' : '--', closed: true, pos: start });
      const nl = s.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    if (ch === '/' && s[i + 1] === '*') {
      const bang = s[i + 2] === '!';
      if (bang) {
        // MySQL executes the body of /*! … */: emit a marker and lex the body as code.
        let j = i + 3;
        while (j < n && isDigit(s.charCodeAt(j))) j++;
        out.push({ type: 'comment', text: '', quote: '/*!', closed: true, pos: start });
        i = j;
        continue;
      }
      const end = s.indexOf('*/', i + 2);
      out.push({ type: 'comment', text: '', quote: '/*', closed: end >= 0, pos: start });
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (ch === '*' && s[i + 1] === '/') {
      i += 2;
      continue;
    }
    if (isDigit(c) || (ch === '.' && isDigit(s.charCodeAt(i + 1)))) {
      let j = i + 1;
      if (ch === '0' && (s[j] === 'x' || s[j] === 'X' || s[j] === 'b' || s[j] === 'B')) j++;
      while (j < n && (isWordPart(s.charCodeAt(j)) || s[j] === '.')) j++;
      out.push({ type: 'num', text: s.slice(i, j).toLowerCase(), pos: start });
      i = j;
      continue;
    }
    if (isWordStart(c)) {
      let j = i + 1;
      while (j < n && isWordPart(s.charCodeAt(j))) j++;
      out.push({ type: 'word', text: s.slice(i, j).toLowerCase(), pos: start });
      i = j;
      continue;
    }
    if (ch === '@') {
      let j = i + 1;
      if (s[j] === '@') j++;
      while (j < n && (isWordPart(s.charCodeAt(j)) || s[j] === '.')) j++;
      out.push({ type: 'var', text: s.slice(i, j).toLowerCase(), pos: start });
      i = j;
      continue;
    }
    if (ch === '(') out.push({ type: 'lparen', text: ch, pos: start });
    else if (ch === ')') out.push({ type: 'rparen', text: ch, pos: start });
    else if (ch === ',') out.push({ type: 'comma', text: ch, pos: start });
    else if (ch === ';') out.push({ type: 'semi', text: ch, pos: start });
    else if (ch === '.') out.push({ type: 'dot', text: ch, pos: start });
    else if (OP1.includes(ch)) {
      const three = s.slice(i, i + 3);
      const two = s.slice(i, i + 2);
      const op = OPS3.has(three) ? three : OPS2.has(two) ? two : ch;
      out.push({ type: 'op', text: op, pos: start });
      i += op.length;
      continue;
    } else out.push({ type: 'other', text: ch, pos: start });
    i++;
  }
  return out;
}
