/**
 * Small deterministic PRNG (mulberry32) so demo data is the same for the same seed: item `i` is
 * generated from its own stream, so `--count 1000` is a prefix of `--count 100000`.
 */
export type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string: turns `(namespace, index)` into a stream seed. */
function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function streamFor(namespace: string, index: number): Rng {
  return mulberry32(hashSeed(`${namespace}:${index}`));
}

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
export const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

/** `k` distinct items of `xs`, in `xs` order. */
export function sample<T>(rng: Rng, xs: readonly T[], k: number): T[] {
  const idx = new Set<number>();
  while (idx.size < Math.min(k, xs.length)) idx.add(Math.floor(rng() * xs.length));
  return [...idx].sort((a, b) => a - b).map((i) => xs[i]);
}

/** A v4-shaped UUID from the stream, so seeded ids are deterministic too. */
export function uuidFrom(rng: Rng): string {
  const hex = Array.from({ length: 16 }, () => Math.floor(rng() * 256));
  hex[6] = (hex[6] & 0x0f) | 0x40;
  hex[8] = (hex[8] & 0x3f) | 0x80;
  const h = hex.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
