/**
 * Replaces `/* … *\/` comments with one space (`UN/**\/ION` tricks become visible to simple views).
 * An unterminated comment runs to the end, as in MySQL. `/*!50000 … *\/` version comments keep
 * their body, because MySQL executes it.
 */
export function removeSqlComments(input: string): string {
  let start = input.indexOf('/*');
  if (start < 0) return input;
  let out = '';
  let i = 0;
  while (start >= 0) {
    out += input.slice(i, start) + ' ';
    if (input.charCodeAt(start + 2) === 33 /* ! */) {
      let j = start + 3;
      while (j < input.length && input.charCodeAt(j) >= 48 && input.charCodeAt(j) <= 57) j++;
      i = j;
    } else {
      const end = input.indexOf('*/', start + 2);
      if (end < 0) return out;
      i = end + 2;
    }
    start = input.indexOf('/*', i);
  }
  out += input.slice(i);
  return out.split('*/').join(' ');
}
