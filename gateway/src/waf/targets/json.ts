import type { Target } from '../types.ts';
import { renderJsonPath } from '../glob.ts';
import type { TargetSink } from './sink.ts';

/**
 * One linear pre-scan of a JSON text: maximum nesting depth and number of values, counted outside
 * strings. Lets the engine refuse to parse a 1 MB `[[[[…` before JSON.parse builds it.
 */
export function scanJsonShape(text: string): { depth: number; values: number } {
  let depth = 0,
    max = 0,
    values = 0,
    inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 92)
        i++; // backslash: skip the escaped char
      else if (c === 34) inStr = false;
      continue;
    }
    if (c === 34) {
      inStr = true;
      values++;
    } else if (c === 123 || c === 91) {
      depth++;
      values++;
      if (depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return { depth: max, values };
}

/**
 * Walks a parsed JSON value: every object key becomes a `json_key` target and every string, number
 * and boolean a `json` target named by its path (`$.profile.essay`, `$.items[3].q`).
 * Stops at `maxDepth` (deeper values are not walked) and when the sink is full.
 */
export function walkJson(root: unknown, maxDepth: number, sink: TargetSink): { depthExceeded: boolean } {
  const walk: Walk = { sink, maxDepth, path: [], depthExceeded: false };
  visit(walk, root, 0);
  return { depthExceeded: walk.depthExceeded };
}

/** One walk's state: a plain object, so no closure is created per request body. */
interface Walk {
  sink: TargetSink;
  maxDepth: number;
  path: string[];
  depthExceeded: boolean;
}

function visit(w: Walk, v: unknown, depth: number): void {
  const { sink, path } = w;
  if (sink.full) return;
  if (typeof v === 'string') {
    sink.push(leaf('json', path, v));
    return;
  }
  if (typeof v === 'number' || typeof v === 'boolean') {
    // Scalars rarely carry attacks, but `1 OR 1=1` arrives as a string anyway; numbers are cheap to skip.
    return;
  }
  if (v === null || typeof v !== 'object') return;
  if (depth >= w.maxDepth) {
    w.depthExceeded = true;
    return;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length && !sink.full; i++) {
      path.push(`[${i}]`);
      visit(w, v[i], depth + 1);
      path.pop();
    }
    return;
  }
  for (const k of Object.keys(v as object)) {
    if (sink.full) return;
    path.push(k);
    sink.push(leaf('json_key', path, k));
    visit(w, (v as Record<string, unknown>)[k], depth + 1);
    path.pop();
  }
}

function leaf(kind: 'json' | 'json_key', path: readonly string[], raw: string): Omit<Target, 'value'> {
  return { kind, name: renderJsonPath(path), raw, segments: path.slice() };
}
