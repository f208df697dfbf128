import { isWordCode } from './match.ts';

/** One tag found by the scanner: name (lower-case, namespace prefix dropped) and its attributes. */
export interface ScannedTag {
  name: string;
  pos: number;
  attrs: Array<{ name: string; value: string }>;
}

/** A tag has at most this many attributes worth looking at; bounds work on hostile markup. */
const MAX_ATTRS = 64;
/** Tags examined per value; a 1 MB value of `<a>` repeats stops here (work stays linear). */
const MAX_TAGS = 4096;

function isNameCode(c: number): boolean {
  return isWordCode(c) || c === 45 /* - */ || c === 58 /* : */ || c === 46 /* . */;
}
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160;
}

/**
 * A forgiving HTML tag scanner over lower-cased text: finds `<name` / `</name` / `<?name` /
 * `<!name`, then reads attributes (name, optional `=` and a quoted or bare value) up to `>`.
 * Attribute separators include `/`, as browsers accept `<img/src/onerror=…>`. Linear: the index only
 * moves forward, and an attribute value ends at its quote or at whitespace/`>`.
 */
export function scanTags(s: string, visit: (tag: ScannedTag) => boolean): void {
  const n = s.length;
  let i = s.indexOf('<');
  let count = 0;
  while (i >= 0 && i < n && count < MAX_TAGS) {
    let j = i + 1;
    if (s[j] === '/' || s[j] === '?' || s[j] === '!') j++;
    if (s[j] === ':') j++; // `<:vmlframe`: empty namespace prefix, still a tag to IE/XML parsers
    const nameStart = j;
    while (j < n && isNameCode(s.charCodeAt(j))) j++;
    if (j === nameStart || !((s.charCodeAt(nameStart) | 0x20) >= 97 && (s.charCodeAt(nameStart) | 0x20) <= 122)) {
      i = s.indexOf('<', i + 1);
      continue;
    }
    count++;
    let name = s.slice(nameStart, j);
    const colon = name.lastIndexOf(':');
    if (colon >= 0) name = name.slice(colon + 1);
    const tag: ScannedTag = { name, pos: i, attrs: [] };
    // Attributes.
    while (j < n && tag.attrs.length < MAX_ATTRS) {
      while (j < n && (isSpace(s.charCodeAt(j)) || s[j] === '/' || s[j] === '"' || s[j] === "'")) j++;
      if (j >= n || s[j] === '>' || s[j] === '<') break;
      const an = j;
      while (j < n && !isSpace(s.charCodeAt(j)) && s[j] !== '=' && s[j] !== '>' && s[j] !== '/' && s[j] !== '<') j++;
      const attrName = s.slice(an, j);
      let k = j;
      while (k < n && isSpace(s.charCodeAt(k))) k++;
      let value = '';
      if (s[k] === '=') {
        k++;
        while (k < n && isSpace(s.charCodeAt(k))) k++;
        const q = s[k];
        if (q === '"' || q === "'" || q === '`') {
          const end = s.indexOf(q, k + 1);
          value = s.slice(k + 1, end < 0 ? n : end);
          k = end < 0 ? n : end + 1;
        } else {
          const vs = k;
          while (k < n && !isSpace(s.charCodeAt(k)) && s[k] !== '>') k++;
          value = s.slice(vs, k);
        }
        j = k;
      } else if (j === an) {
        j++;
      }
      tag.attrs.push({ name: attrName, value });
    }
    if (visit(tag)) return;
    i = s.indexOf('<', Math.max(j, i + 1));
  }
}
