import { indexOfWord, NeedleSet } from '../lib/match.ts';
import { hasAny } from '../../views.ts';

/** PowerShell cmdlets and .NET calls used to fetch and run code; verb-noun names are never prose. */
const POWERSHELL = [
  'invoke-webrequest',
  'invoke-expression',
  'invoke-restmethod',
  'invoke-command',
  'invoke-item',
  'start-process',
  'new-object',
  'get-wmiobject',
  'invoke-wmimethod',
  'downloadstring(',
  'downloadfile(',
  'net.webclient',
  'frombase64string(',
  'set-executionpolicy',
  'add-mppreference',
  'start-bitstransfer',
  '[system.',
  'iex(',
  'iex (',
  'get-content',
  'set-content',
  'get-childitem',
  'remove-item',
  'copy-item',
];
const POWERSHELL_SET = new NeedleSet(POWERSHELL);
const IF_OPS = [' equ ', ' neq ', ' lss ', ' leq ', ' gtr ', ' geq ', '=='];
const IF_HEADS = ['exist', 'not', 'errorlevel', 'defined', 'cmdextversion', '/i', '%', '"', '['];

const VERBS = new Set(['invoke', 'start', 'new', 'get', 'set', 'remove', 'copy', 'add']);

/** Is some `-` preceded by a PowerShell verb (`invoke-`, `get-` …)? Linear in the number of dashes. */
function cmdletDash(s: string): boolean {
  let k = s.indexOf('-');
  let n = 0;
  while (k > 0 && n++ < 256) {
    let b = k - 1;
    while (b >= 0 && s.charCodeAt(b) >= 97 && s.charCodeAt(b) <= 122 && k - b <= 7) b--;
    if (VERBS.has(s.slice(b + 1, k))) return true;
    k = s.indexOf('-', k + 1);
  }
  return false;
}

function startAfterSep(s: string, word: string, has: Uint8Array): number {
  // At value start or after & | ; ( newline: without a separator only the start can qualify.
  if (!hasAny(has, '&|;(\n\r')) {
    let p = 0;
    while (s[p] === ' ' || s[p] === '\t' || s[p] === '@') p++;
    return indexOfWord(s.slice(p, p + word.length + 1), word) === 0 ? p : -1;
  }
  let i = indexOfWord(s, word);
  while (i >= 0) {
    let p = i - 1;
    while (p >= 0 && (s[p] === ' ' || s[p] === '\t' || s[p] === '@')) p--;
    if (p < 0 || '&|;(\n\r'.includes(s[p])) return i;
    i = indexOfWord(s, word, i + 1);
  }
  return -1;
}

/** Index of a Windows batch FOR/IF construct or PowerShell cmdlet in lower-cased `s`, or -1. */
export function windowsBatch(s: string, has: Uint8Array): number {
  // Every cmdlet has a `-`, `(`, `[` or `.`; FOR/IF need a space.
  if (has[40] || has[91] || (has[45] && cmdletDash(s))) {
    const k = POWERSHELL_SET.find(s);
    if (k >= 0) return k;
  }
  if (!has[32]) return -1;
  const f = startAfterSep(s, 'for', has);
  if (f >= 0) {
    let j = f + 3;
    while (s[j] === ' ' || s[j] === '\t') j++;
    if ((s[j] === '/' || s[j] === '%') && indexOfWord(s, 'in', j) > 0 && indexOfWord(s, 'do', j) > 0) return f;
  }
  const i = startAfterSep(s, 'if', has);
  if (i >= 0) {
    let j = i + 2;
    while (s[j] === ' ' || s[j] === '\t') j++;
    const head = IF_HEADS.find((h) => s.startsWith(h, j));
    if (
      head &&
      (head !== 'not' ||
        /* if not exist/defined/x==y */ /^not\s+(exist|defined|errorlevel|\S+\s*==)/.test(s.slice(j, j + 40)) ||
        IF_OPS.some((o) => s.includes(o, j)))
    ) {
      if (head === '"' || head === '[' || head === '%' || head === '/i') {
        if (IF_OPS.some((o) => s.includes(o, j)) || s.includes('exist', j)) return i;
      } else return i;
    }
    if (
      IF_OPS.some((o) => {
        const k = s.indexOf(o, j);
        return k > 0 && k - j < 60;
      })
    )
      return i;
  }
  return -1;
}
