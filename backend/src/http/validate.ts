import type { Context } from 'hono';
import type { z } from 'zod';
import { ProblemError } from './problem.ts';
import type { FieldError } from '../../../shared/errors.ts';
import { readCapped } from '../../../shared/read-capped.ts';
import { isJsonContentType } from '../../../shared/media-types.ts';

/** Bodies above this are refused before parsing; no endpoint needs more (essays are ≤ 20k chars). */
const MAX_JSON_BYTES = 256 * 1024;
/** Deeper JSON than this is refused: no payload of ours nests past a few levels. */
const MAX_JSON_DEPTH = 32;

export function zodFieldErrors(err: z.ZodError): FieldError[] {
  return err.issues.map((i) => ({
    path: i.path.length
      ? i.path.join('.')
      : i.code === 'unrecognized_keys'
        ? (i as { keys: string[] }).keys.join(',')
        : '(body)',
    message: i.message,
  }));
}

function depthOf(text: string): number {
  let depth = 0,
    max = 0,
    inStr = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inStr) {
      if (ch === 92) i++;
      else if (ch === 34) inStr = false;
    } else if (ch === 34) inStr = true;
    else if (ch === 123 || ch === 91) {
      if (++depth > max) max = depth;
    } else if (ch === 125 || ch === 93) depth--;
  }
  return max;
}

/** Reads at most `maxBytes` of the body as text; more → 413 without buffering the rest. */
export async function readBodyText(c: Context, maxBytes = MAX_JSON_BYTES): Promise<string> {
  const declared = Number(c.req.header('content-length') ?? 'NaN');
  if (declared > maxBytes) throw new ProblemError('BODY_TOO_LARGE', `The body must be at most ${maxBytes} bytes`);
  const body = c.req.raw.body;
  if (!body) return '';
  const bytes = await readCapped(body, maxBytes);
  if (!bytes) throw new ProblemError('BODY_TOO_LARGE', `The body must be at most ${maxBytes} bytes`);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * Parses and validates a JSON body. Unknown fields are errors (schemas are strict objects), every
 * offending field is named, and nothing has been written when this throws.
 */
export async function readJson<T extends z.ZodType>(
  c: Context,
  schema: T,
  opts: { maxBytes?: number } = {},
): Promise<z.infer<T>> {
  if (!isJsonContentType(c.req.header('content-type'))) {
    throw new ProblemError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
  }
  const text = await readBodyText(c, opts.maxBytes);
  if (depthOf(text) > MAX_JSON_DEPTH)
    throw new ProblemError('VALIDATION_FAILED', `JSON nests deeper than ${MAX_JSON_DEPTH} levels`, [
      { path: '(body)', message: 'too deeply nested' },
    ]);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ProblemError('MALFORMED_JSON', 'The body could not be parsed as JSON', [
      { path: '(body)', message: 'malformed JSON' },
    ]);
  }
  const r = schema.safeParse(data);
  if (!r.success) throw new ProblemError('VALIDATION_FAILED', 'Some fields are not valid', zodFieldErrors(r.error));
  return r.data;
}

/** Validates query parameters with a zod object schema (strings in, coerced values out). */
export function readQuery<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  const r = schema.safeParse(c.req.query());
  if (!r.success)
    throw new ProblemError('VALIDATION_FAILED', 'Some query parameters are not valid', zodFieldErrors(r.error));
  return r.data;
}
