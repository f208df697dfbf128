/** True for ASCII whitespace, vertical tab, form feed and NBSP. */
function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160;
}

/** Collapses every whitespace run (tabs, newlines, NBSP) into a single space and trims the ends. */
export function collapseWhitespace(input: string): string {
  // Copy runs of non-space characters as slices (fast on long text), one space between runs.
  let out = '';
  const n = input.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpaceCode(input.charCodeAt(i))) i++;
    if (i >= n) break;
    let j = i;
    while (j < n && !isSpaceCode(input.charCodeAt(j))) j++;
    out += out.length ? ' ' + input.slice(i, j) : input.slice(i, j);
    i = j;
  }
  return out;
}
