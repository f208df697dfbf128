/*
 * Needs (pre-check): one of the characters < : ( [ ` = + . $ ! \ or a non-ASCII character (masked
 * `<` such as `¼`); XSS_001 needs `<` (or a masked one), XSS_002 `on…=` or `=` after a quote.
 */
import type { Detector, Match, RuleMeta, Target } from '../../types.ts';
import { HIGH, hasAny } from '../../views.ts';
import { hasNonAscii } from '../../normalizers/unicode-fold.ts';
import { removeSqlComments } from '../../normalizers/remove-sql-comments.ts';
import { scanTags } from '../lib/html-scan.ts';
import { CALL_SINKS, DANGEROUS_TAGS, EVENT_HANDLERS, PROPERTY_SINKS, SCRIPT_SCHEMES } from '../lib/js-sinks.ts';
import { isAlphaCode, isWordCode, matchAt, NeedleSet } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_XSS_001',
    family: 'xss',
    severity: 'critical',
    paranoia: 1,
    description: 'Script-capable HTML tag (script, iframe, object, embed, svg, math, base, meta, style …)',
  },
  {
    id: 'WAF_XSS_002',
    family: 'xss',
    severity: 'critical',
    paranoia: 1,
    description:
      'Event handler or script-loading attribute (onerror=, onload=, " onmouseover=, \'formaction=, " srcdoc=)',
  },
  {
    id: 'WAF_XSS_003',
    family: 'xss',
    severity: 'critical',
    paranoia: 1,
    description: 'Script URI (javascript:, vbscript:, data:text/html) in a link or value',
  },
  {
    id: 'WAF_XSS_004',
    family: 'xss',
    severity: 'critical',
    paranoia: 1,
    description: 'CSS script vector (expression(), url(javascript:), behavior:, @import)',
  },
  {
    id: 'WAF_XSS_005',
    family: 'xss',
    severity: 'critical',
    paranoia: 1,
    description: 'JavaScript sink (document.cookie, alert(1), [].sort.call`…`, window["…"])',
  },
  {
    id: 'WAF_XSS_006',
    family: 'xss',
    severity: 'critical',
    paranoia: 1,
    description: 'UTF-7 encoded markup (+ADw-script+AD4-)',
  },
  {
    id: 'WAF_XSS_007',
    family: 'xss',
    severity: 'critical',
    paranoia: 1,
    description: 'JSFuck-style obfuscated JavaScript ([][(![]+[])…])',
  },
  {
    id: 'WAF_XSS_008',
    family: 'xss',
    severity: 'critical',
    paranoia: 1,
    description: 'Injected XML schema reference to a remote URL (xsi:schemaLocation="… http://…")',
  },
] as const satisfies readonly RuleMeta[];

/** Characters before a scheme that make it a URL value rather than prose ("JavaScript: The Good Parts"). */
const SCHEME_LEAD = '="\'(`[,>;{|&?';
/** What follows `javascript:` in an attack; prose after "JavaScript: " is words. */
const SCRIPT_STARTERS = [
  'alert',
  'eval',
  'prompt',
  'confirm',
  'document',
  'window',
  'this',
  'location',
  'void',
  'fetch',
  'import',
  'top',
  'self',
  'parent',
  'new',
  'history',
  'with',
  'function',
  '(',
  '`',
  '[',
  '/',
  '%',
  '\\',
  '"',
  "'",
  '{',
  '-',
  '+',
  '!',
  '~',
  'a=',
  'x=',
];
/** Characters that start a code argument to a sink call: `alert(1)`, `alert(document…)`, `eval('…')`. */
const ARG_START = '0123456789)"\'`[$/{-+!~';
const ARG_WORDS = [
  'document',
  'window',
  'self',
  'top',
  'this',
  'name',
  'location',
  'atob',
  'string',
  'code',
  'unescape',
  'decodeuri',
  'navigator',
  'origin',
  'cookie',
  'x',
  'xss',
];

function tagChecks(lower: string, target: Target, found: Map<string, Match>) {
  scanTags(lower, (tag) => {
    if (DANGEROUS_TAGS.has(tag.name) && !found.has('WAF_XSS_001'))
      found.set('WAF_XSS_001', matchAt('WAF_XSS_001', target, tag.pos));
    for (const a of tag.attrs) {
      const an = a.name;
      if (
        an.length > 2 &&
        an.charCodeAt(0) === 111 &&
        an.charCodeAt(1) === 110 &&
        isAlphaCode(an.charCodeAt(2)) &&
        !found.has('WAF_XSS_002')
      ) {
        found.set('WAF_XSS_002', matchAt('WAF_XSS_002', target, tag.pos));
      }
      if (a.value) {
        if (!found.has('WAF_XSS_008') && an.endsWith('schemalocation') && a.value.includes('//'))
          found.set('WAF_XSS_008', matchAt('WAF_XSS_008', target, tag.pos));
        const v = compactValue(a.value);
        if (!found.has('WAF_XSS_003') && SCRIPT_SCHEMES.some((sch) => v.startsWith(sch) || v.includes('(' + sch)))
          found.set('WAF_XSS_003', matchAt('WAF_XSS_003', target, tag.pos));
        if (
          !found.has('WAF_XSS_004') &&
          (v.includes('expression(') ||
            v.includes('url(javascript') ||
            v.includes('behavior:') ||
            v.includes('-moz-binding'))
        )
          found.set('WAF_XSS_004', matchAt('WAF_XSS_004', target, tag.pos));
      }
    }
    return found.size >= 4;
  });
}

/** Without `:([\`$+@[\\` only a dotted property sink (`document . cookie`) or inner/outerHTML can match. */
const PROPERTY_WORDS = /document|window|location|storage|erhtml/; // erhtml: inner/outerHTML in one alternative

function hexAt(s: string, i: number): number {
  const h = parseInt(s.slice(i, i + 2), 16);
  return s[i] === '\\' || s[i + 1] === '\\' || Number.isNaN(h) || s.slice(i, i + 2).length < 2 ? -1 : h;
}

/**
 * The value as a 7-bit system sees it: `\xHH` escapes decoded (two-byte UTF-8 sequences combined),
 * then every non-ASCII code point masked to its low 7 bits (`¼script¾`-style smuggling,
 * U+00BC → `<`, U+00BE → `>`). Null unless masking yields both `<` and `>`.
 */
function sevenBitView(v: string): string | null {
  let out = '';
  let open = false;
  let close = false;
  for (let i = 0; i < v.length; i++) {
    let c = v.charCodeAt(i);
    if (c === 92 && (v[i + 1] === 'x' || v[i + 1] === 'X')) {
      const b = hexAt(v, i + 2);
      if (b >= 0) {
        c = b;
        i += 3;
        if (b >= 0xc0 && b <= 0xdf && v[i + 1] === '\\' && (v[i + 2] === 'x' || v[i + 2] === 'X')) {
          const n = hexAt(v, i + 3);
          if (n >= 0x80 && n <= 0xbf) {
            c = ((b & 0x1f) << 6) | (n & 0x3f);
            i += 4;
          }
        }
      }
    }
    if (c >= 0x80) {
      c &= 0x7f;
      if (c === 60) open = true;
      else if (c === 62) close = true;
    }
    out += String.fromCharCode(c);
  }
  return open && close ? out.toLowerCase() : null;
}

/** Interactive elements that only an evasion would spell letter by letter (`<d i a l o g`). */
const SPACED_EXTRA = new Set([
  'dialog',
  'details',
  'input',
  'button',
  'video',
  'audio',
  'image',
  'marquee',
  'select',
  'textarea',
  'keygen',
  'body',
  'html',
  'source',
]);

/** `<f o r m`, `< x: script`: a dangerous tag name spelled with spaces (filter evasion). */
function spacedTag(lower: string): number {
  let i = lower.indexOf('<');
  let n = 0;
  while (i >= 0 && n++ < 64) {
    let j = i + 1;
    let name = '';
    let singles = 0;
    // single letters separated by whitespace: `f o r m`
    while (j < lower.length && name.length < 12) {
      while (lower[j] === ' ' || lower[j] === '\t') j++;
      const c = lower.charCodeAt(j);
      if (!(c >= 97 && c <= 122) || isAlphaCode(lower.charCodeAt(j + 1))) break;
      name += lower[j];
      singles++;
      j++;
    }
    if (singles >= 4 && (DANGEROUS_TAGS.has(name) || SPACED_EXTRA.has(name))) return i;
    // namespace prefix with spaces: `< x: script`
    let k = i + 1;
    while (lower[k] === ' ') k++;
    let p = k;
    while (p < lower.length && isAlphaCode(lower.charCodeAt(p))) p++;
    if (p > k && lower[p] === ':' && lower[p + 1] === ' ') {
      let q = p + 1;
      while (lower[q] === ' ') q++;
      let e = q;
      while (e < lower.length && isAlphaCode(lower.charCodeAt(e))) e++;
      if (DANGEROUS_TAGS.has(lower.slice(q, e))) return i;
    }
    i = lower.indexOf('<', i + 1);
  }
  return -1;
}

/** A non-ASCII character that a 7-bit system reads as `<` (U+00BC `¼`, U+043C …); plain accents and `’` are not. */
function hasMaskedLt(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0x80 && (c & 0x7f) === 60) return true;
  }
  return false;
}

function compactValue(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c > 32 && c !== 127 && c !== 160 && c !== 92 /* \ */) out += v[i];
  }
  return out;
}

/** `on<event>=` outside a tag: attribute injection (`" onmouseover=alert(1)`). */
function handlerInjection(lower: string): number {
  let i = lower.indexOf('on');
  while (i >= 0) {
    const prev = i > 0 ? lower.charCodeAt(i - 1) : 32;
    if (!isWordCode(prev)) {
      let j = i + 2;
      while (j < lower.length && j - i < 48 && isAlphaCode(lower.charCodeAt(j))) j++;
      let k = j;
      while (k < lower.length && (lower[k] === ' ' || lower[k] === '\t' || lower[k] === '\n' || lower[k] === '\r')) k++;
      if (lower[k] === '=' && j - i > 3) {
        const name = lower.slice(i, j);
        const p = lower[i - 1];
        // After `/` (`<svg/onload=`) the handler needs a value: base64 text ends in `…/onafe=` padding.
        if (p === '/' && (k + 1 >= lower.length || lower[k + 1] === '=')) {
          i = lower.indexOf('on', i + 2);
          continue;
        }
        if (EVENT_HANDLERS.has(name) || p === '"' || p === "'" || p === '/' || p === '`') return i;
        // Unquoted-attribute breakout: the value is whitespace then `on…=` (`<input value= onfoo=…>`).
        // Unknown names need some length: short `on…=` words (`online=`, `ongoing=`) are form data.
        if (i > 0 && j - i >= 8 && lower.slice(0, i).trim() === '') return i;
      }
    }
    i = lower.indexOf('on', i + 2);
  }
  return -1;
}

/** Non-`on*` attributes that run or load script, after a quote breakout: `'formaction=`, `"srcdoc=`. */
const ACTIVE_ATTRS = ['formaction', 'srcdoc', 'xlink:href'];
function activeAttrInjection(lower: string): number {
  for (const a of ACTIVE_ATTRS) {
    let k = lower.indexOf(a);
    while (k >= 0) {
      let b = k - 1;
      while (b >= 0 && (lower[b] === ' ' || lower[b] === '\t' || lower[b] === '/')) b--;
      const p = b >= 0 ? lower[b] : '';
      let e = k + a.length;
      while (lower[e] === ' ') e++;
      if ((p === '"' || p === "'" || p === '`') && lower[e] === '=') return k;
      k = lower.indexOf(a, k + 1);
    }
  }
  return -1;
}

function schemeOutsideTags(compact: string, collapsed: string): number {
  for (const sch of ['javascript:', 'vbscript:', 'livescript:', 'data:text/html']) {
    let k = compact.indexOf(sch);
    if (k < 0) continue;
    // Prose writes "JavaScript: The Good Parts" with a space; computed once per scheme (linear).
    const spacedProse = collapsed.includes(sch + ' ');
    let n = 0;
    while (k >= 0 && n++ < 256) {
      const prev = k > 0 ? compact[k - 1] : '=';
      const rest = compact.slice(k + sch.length, k + sch.length + 12);
      if (SCHEME_LEAD.includes(prev)) {
        // Split by tabs/newlines/entities (`ja&tab;vascript:`) is obfuscation, never prose.
        if (!collapsed.includes(sch.slice(0, -1))) return k;
        if (rest.length > 0 && (!spacedProse || SCRIPT_STARTERS.some((w) => rest.startsWith(w)))) return k;
      }
      k = compact.indexOf(sch, k + 1);
    }
  }
  return -1;
}

/**
 * A script URI whose body starts with a JS escape (`javascript:\\u0020…`) or a `data:,` URI carrying
 * markup (`data: , <x>`), at a value start or after a URL lead character. Prose has neither.
 */
function escapedOrInlineScheme(compact: string): number {
  for (const [sch, next] of [
    ['javascript:', '\\'],
    ['vbscript:', '\\'],
    ['data:,', '<'],
  ] as const) {
    let k = compact.indexOf(sch);
    let n = 0;
    while (k >= 0 && n++ < 16) {
      const prev = k > 0 ? compact[k - 1] : '=';
      const a = k + sch.length;
      // A double backslash, backslash-u or backslash-x starts an escape chain; a lone backslash-n can be prose.
      const escaped = next !== '\\' || compact[a + 1] === '\\' || compact[a + 1] === 'u' || compact[a + 1] === 'x';
      if (SCHEME_LEAD.includes(prev) && compact[a] === next && escaped) return k;
      k = compact.indexOf(sch, k + 1);
    }
  }
  return -1;
}

/** Every sink in one pass, so values naming none skip the per-sink loops. */
const SINK_SET = new NeedleSet([...PROPERTY_SINKS, ...CALL_SINKS]);

function jsSinks(code: string): number {
  if (SINK_SET.find(code) < 0) return -1;
  for (const p of PROPERTY_SINKS) {
    const k = code.indexOf(p);
    if (k >= 0 && (k === 0 || !isWordCode(code.charCodeAt(k - 1)) || p[0] === '.')) return k;
  }
  for (const f of CALL_SINKS) {
    let k = code.indexOf(f + '(');
    if (k < 0) k = code.indexOf(f + '`');
    while (k >= 0) {
      if (k === 0 || !isWordCode(code.charCodeAt(k - 1)) || code[k - 1] === '.') {
        const a = k + f.length + 1;
        if (
          code[a - 1] === '`' ||
          a >= code.length ||
          ARG_START.includes(code[a]) ||
          ARG_WORDS.some((w) => code.startsWith(w, a) && !isWordCode(code.charCodeAt(a + w.length)))
        )
          return k;
      }
      k = code.indexOf(f + '(', k + 1);
    }
  }
  return -1;
}

function jsFuck(compact: string): boolean {
  if (compact.length < 4 || (compact.indexOf('![]') < 0 && compact.indexOf('+[]') < 0)) return false;
  let odd = 0;
  for (let i = 0; i < compact.length; i++) if (!'[]()!+'.includes(compact[i])) odd++;
  return odd * 10 < compact.length;
}

/**
 * Cross-site scripting: a small tag scanner (dangerous tags, `on*` handlers, script URIs and CSS
 * vectors in attributes), then checks outside tags for attribute injection, script URIs in URL
 * values, JavaScript sinks and encodings (UTF-7, JSFuck). Plain rich text (`<b>`, `<p>`,
 * `<a href="https://…">`) has none of these.
 */
export const xss = {
  name: 'xss',
  rules: RULES,
  detect(target, views) {
    const v = target.value;
    if (v.length < 3) return [];
    const has = views.has;
    // Every vector needs markup, a scheme colon, a call, a property access or an encoding mark.
    if (!hasAny(has, '<:([`=+.$!\\') && !has[HIGH] && !target.raw.includes('\\x') && !target.raw.includes('\\X'))
      return [];
    const lower = views.lower;
    const found = new Map<string, Match>();
    if (has[60]) {
      tagChecks(lower, target, found);
      if (!found.has('WAF_XSS_001')) {
        const k = spacedTag(lower);
        if (k >= 0) found.set('WAF_XSS_001', matchAt('WAF_XSS_001', target, k));
      }
    }
    if (!found.has('WAF_XSS_001') && !found.has('WAF_XSS_002')) {
      // On the raw value: normalization folds `¼` to `1⁄4` and decodes `\xHH` before we could mask it.
      const raw = target.raw;
      const seven =
        raw.indexOf('\\x') >= 0 ||
        raw.indexOf('\\X') >= 0 ||
        ((raw === v ? has[HIGH] === 1 : hasNonAscii(raw)) && hasMaskedLt(raw))
          ? sevenBitView(raw)
          : null;
      if (seven) {
        // Only a script-capable tag counts here: masked text (`¼cup onions`) can look like attributes.
        const masked = new Map<string, Match>();
        tagChecks(seven, target, masked);
        const m = masked.get('WAF_XSS_001');
        if (m) found.set('WAF_XSS_001', m);
      }
    }
    if (!found.has('WAF_XSS_002') && has[61] && lower.indexOf('on') >= 0) {
      const k = handlerInjection(lower);
      if (k >= 0) found.set('WAF_XSS_002', matchAt('WAF_XSS_002', target, k));
    }
    if (!found.has('WAF_XSS_002') && has[61]) {
      const k = activeAttrInjection(lower);
      if (k >= 0) found.set('WAF_XSS_002', matchAt('WAF_XSS_002', target, k));
    }
    // The checks below read the compact view; without `:([`$+@[\\` only a dotted property
    // sink (`document . cookie`, compact joins the spaces) or inner/outerHTML could match.
    if (!hasAny(has, ':([`$+@[\\') && !PROPERTY_WORDS.test(lower)) return [...found.values()];
    const compact =
      views.compact.indexOf('/*') >= 0 ? removeSqlComments(views.compact).split(' ').join('') : views.compact;
    if (!found.has('WAF_XSS_003') && compact.indexOf('script:') + compact.indexOf('data:text') > -2) {
      const k = schemeOutsideTags(compact.split('\\').join(''), views.collapsed);
      if (k >= 0) found.set('WAF_XSS_003', matchAt('WAF_XSS_003', target, k));
    }
    if (!found.has('WAF_XSS_003')) {
      const k = escapedOrInlineScheme(compact);
      if (k >= 0) found.set('WAF_XSS_003', matchAt('WAF_XSS_003', target, k));
    }
    if (
      !found.has('WAF_XSS_004') &&
      (compact.includes('url(javascript') ||
        compact.includes('-moz-binding:') ||
        (compact.includes('expression(') && compact.includes('style')) ||
        (compact.includes('@import') && (compact.includes('<style') || compact.includes('script:'))))
    ) {
      found.set('WAF_XSS_004', matchAt('WAF_XSS_004', target, 0));
    }
    const code = has[34] || has[39] ? compact.split('"').join('').split("'").join('') : compact;
    // A bare sink call in a URL path (`/get/eval(`, `/docs/alert()`) names a page; the path's markup rules still apply.
    const inPath = target.kind === 'path' || target.kind === 'path_segment';
    const sink = inPath || !hasAny(has, '.([`$') ? -1 : jsSinks(code);
    if (sink >= 0) found.set('WAF_XSS_005', matchAt('WAF_XSS_005', target, sink));
    if (compact.indexOf('+adw-') >= 0 && compact.indexOf('+ad4-') >= 0)
      found.set('WAF_XSS_006', matchAt('WAF_XSS_006', target, compact.indexOf('+adw-')));
    if (jsFuck(compact)) found.set('WAF_XSS_007', matchAt('WAF_XSS_007', target, 0));
    return [...found.values()];
  },
} satisfies Detector;
