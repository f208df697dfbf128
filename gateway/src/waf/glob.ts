/**
 * Segment globs for route patterns (`/api/*`, `/api/**`) and JSON paths (`$.items[*].q`, `$.**.password`).
 * `*` matches exactly one segment, `**` any number (including none). Matching is a dynamic program over
 * segments: O(pattern × input), no regular expression ever sees the attacker's path.
 */

export type Segments = readonly string[];

const ANY_ONE = '*';
const ANY_MANY = '**';

/** True when `input` segments match `pattern` segments. */
export function matchSegments(pattern: Segments, input: Segments): boolean {
  const fast = matchWithoutInnerGlob(pattern, input, false);
  if (fast !== null) return fast;
  // prev[j]: pattern[0..i) matches input[0..j)
  let prev = new Array<boolean>(input.length + 1).fill(false);
  prev[0] = true;
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    const cur = new Array<boolean>(input.length + 1).fill(false);
    if (p === ANY_MANY) {
      let any = false;
      for (let j = 0; j <= input.length; j++) {
        any = any || prev[j];
        cur[j] = any;
      }
    } else {
      for (let j = 1; j <= input.length; j++) cur[j] = prev[j - 1] && (p === ANY_ONE || p === input[j - 1]);
    }
    prev = cur;
  }
  return prev[input.length];
}

/**
 * The common shapes without the dynamic program (it allocates per pattern segment, and every
 * request is matched against every route, exclusion and prose entry): no `**` at all, or a single
 * trailing one (`/api/**`). Null for any other pattern. `indexWildcard`: `[*]` matches `[n]`.
 */
function matchWithoutInnerGlob(pattern: Segments, input: Segments, indexWildcard: boolean): boolean | null {
  const many = pattern.indexOf(ANY_MANY);
  let fixed = pattern.length;
  if (many >= 0) {
    if (many !== pattern.length - 1) return null;
    fixed = many;
    if (input.length < fixed) return false;
  } else if (input.length !== fixed) return false;
  for (let i = 0; i < fixed; i++) {
    const p = pattern[i];
    const s = input[i];
    if (p !== s && p !== ANY_ONE && !(indexWildcard && p === '[*]' && s.startsWith('['))) return false;
  }
  return true;
}

/** `/api/auth/login` → ['api','auth','login']; `**` → ['**']; trailing slash ignored. */
export function routeSegments(path: string): string[] {
  if (path === '**') return [ANY_MANY];
  return path.split('/').filter((s) => s !== '');
}

/**
 * A request path as the backend will route it: percent-decoded once, empty and `.` segments dropped,
 * `..` resolved (RFC 3986 §5.2.4), so `/api/webhooks/../auth/login` is judged as `/api/auth/login`.
 */
export function requestPathSegments(path: string, decode: (s: string) => string): string[] {
  const out: string[] = [];
  for (const raw of path.split('/')) {
    const s = raw.indexOf('%') >= 0 ? decode(raw) : raw;
    if (s === '' || s === '.') continue;
    if (s === '..') {
      out.pop();
      continue;
    }
    out.push(s);
  }
  return out;
}

/**
 * A JSON path as segments: keys as-is, array indices as `[n]`. Patterns use `*` for one segment,
 * `[*]` for any index, `**` for any depth. `$['odd.key']` quotes keys with dots or brackets.
 */
export function jsonPathSegments(path: string): string[] | null {
  if (!path.startsWith('$')) return null;
  const out: string[] = [];
  let i = 1;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      let j = i + 1;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      if (j === i + 1) return null;
      out.push(path.slice(i + 1, j));
      i = j;
    } else if (ch === '[') {
      if (path[i + 1] === "'" || path[i + 1] === '"') {
        const q = path[i + 1];
        const end = path.indexOf(q + ']', i + 2);
        if (end < 0) return null;
        out.push(path.slice(i + 2, end));
        i = end + 2;
      } else {
        const end = path.indexOf(']', i);
        if (end < 0) return null;
        const inner = path.slice(i + 1, end);
        if (inner !== '*' && !/^\d+$/.test(inner)) return null;
        out.push(`[${inner}]`);
        i = end + 1;
      }
    } else return null;
  }
  return out;
}

/** JSON-path pattern segment `[*]` matches any index segment; `*` any one segment; `**` any depth. */
export function matchJsonPath(pattern: Segments, input: Segments): boolean {
  return matchSegmentsWith(pattern, input);
}

function matchSegmentsWith(pattern: Segments, input: Segments): boolean {
  const fast = matchWithoutInnerGlob(pattern, input, true);
  if (fast !== null) return fast;
  let prev = new Array<boolean>(input.length + 1).fill(false);
  prev[0] = true;
  for (const p of pattern) {
    const cur = new Array<boolean>(input.length + 1).fill(false);
    if (p === ANY_MANY) {
      let any = false;
      for (let j = 0; j <= input.length; j++) {
        any = any || prev[j];
        cur[j] = any;
      }
    } else {
      for (let j = 1; j <= input.length; j++) {
        const s = input[j - 1];
        const ok = p === ANY_ONE || p === s || (p === '[*]' && s.startsWith('['));
        cur[j] = prev[j - 1] && ok;
      }
    }
    prev = cur;
  }
  return prev[input.length];
}

/** Renders segments back to the path shown in events: `$.items[3].q`, `$['odd.key']`. */
export function renderJsonPath(segments: Segments): string {
  let s = '$';
  for (const seg of segments) {
    if (seg.startsWith('[')) s += seg;
    else if (/^[A-Za-z0-9_$@-]+$/.test(seg)) s += '.' + seg;
    else s += `['${seg.replace(/'/g, "\\'")}']`;
  }
  return s;
}
