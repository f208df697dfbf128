/** Drops NUL characters, which C-based back ends treat as terminators (`file.php%00.jpg`). */
export function removeNulls(input: string): string {
  if (input.indexOf('\0') < 0) return input;
  return input.split('\0').join('');
}
