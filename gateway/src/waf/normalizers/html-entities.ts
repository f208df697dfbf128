import type { Normalizer } from '../types.ts';

/** Named entities attackers use to spell markup and URLs; the long tail decodes to nothing useful. */
const NAMED: Readonly<Record<string, string>> = {
  lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ', tab: '\t', newline: '\n',
  colon: ':', semi: ';', comma: ',', period: '.', sol: '/', bsol: '\\', lpar: '(', rpar: ')',
  lsqb: '[', rsqb: ']', lbrack: '[', rbrack: ']', lcub: '{', rcub: '}', lbrace: '{', rbrace: '}',
  equals: '=', excl: '!', num: '#', dollar: '$', percnt: '%', plus: '+', quest: '?', grave: '`',
  ast: '*', commat: '@', hat: '^', verbar: '|', vert: '|', lowbar: '_', hyphen: '-', dash: '-',
};

/** Entities longer than this are not entities (bounds the look-ahead, keeps the pass linear). */
const MAX_NAME = 8;
/** Numeric references: at most this many digits (browsers accept leading zeros; we cap the scan). */
const MAX_DIGITS = 10;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122);
}

/**
 * Decodes numeric (`&#60;`, `&#x3c;`, with or without the `;`, as browsers do) and common named
 * (`&lt;`, `&colon;`) character references. Unknown names stay as written (`AT&T` survives).
 */
export function decodeHtmlEntities(input: string): string {
  if (input.indexOf('&') < 0) return input;
  let out = '';
  const n = input.length;
  let i = 0;
  while (i < n) {
    if (input.charCodeAt(i) !== 38 /* & */) {
      out += input[i];
      i++;
      continue;
    }
    if (input.charCodeAt(i + 1) === 35 /* # */) {
      const hex = (input.charCodeAt(i + 2) | 0x20) === 120;
      let j = i + (hex ? 3 : 2);
      let v = 0;
      const start = j;
      while (j < n && j - start < MAX_DIGITS) {
        const c = input.charCodeAt(j);
        let d = -1;
        if (c >= 48 && c <= 57) d = c - 48;
        else if (hex && (c | 0x20) >= 97 && (c | 0x20) <= 102) d = (c | 0x20) - 87;
        if (d < 0) break;
        v = v * (hex ? 16 : 10) + d;
        j++;
      }
      if (j > start) {
        if (input.charCodeAt(j) === 59 /* ; */) j++;
        out += v > 0 && v <= 0x10ffff ? String.fromCodePoint(v) : '\ufffd';
        i = j;
        continue;
      }
    } else {
      let j = i + 1;
      while (j < n && j - i - 1 < MAX_NAME && isAlnum(input.charCodeAt(j))) j++;
      if (j > i + 1 && input.charCodeAt(j) === 59) {
        const rep = NAMED[input.slice(i + 1, j).toLowerCase()];
        if (rep !== undefined) {
          out += rep;
          i = j + 1;
          continue;
        }
      }
    }
    out += '&';
    i++;
  }
  return out;
}

export const htmlEntities = {
  name: 'html-entities',
  apply(input: string) {
    const value = decodeHtmlEntities(input);
    return { value, changed: value !== input };
  },
} satisfies Normalizer;
