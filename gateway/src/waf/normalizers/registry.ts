import type { Normalizer } from '../types.ts';
import { collapseWhitespaceNormalizer } from './collapse-whitespace.ts';
import { htmlEntities } from './html-entities.ts';
import { jsEscapes } from './js-escapes.ts';
import { lowercase } from './lowercase.ts';
import { removeNullsNormalizer } from './remove-nulls.ts';
import { removeSqlCommentsNormalizer } from './remove-sql-comments.ts';
import { unicodeFoldNormalizer } from './unicode-fold.ts';
import { urlDecode } from './url-decode.ts';

/** Every normalizer by the name rule files use. */
export const NORMALIZERS: Readonly<Record<string, Normalizer>> = Object.freeze(
  Object.fromEntries(
    [
      urlDecode,
      htmlEntities,
      jsEscapes,
      removeNullsNormalizer,
      unicodeFoldNormalizer,
      lowercase,
      collapseWhitespaceNormalizer,
      removeSqlCommentsNormalizer,
    ].map((n) => [n.name, n]),
  ),
);

/** Resolves names at load time; an unknown name is a config error, never a silent no-op. */
export function resolveNormalizers(names: readonly string[]): Normalizer[] {
  return names.map((name) => {
    const n = NORMALIZERS[name];
    if (!n) throw new Error(`unknown normalizer "${name}" (known: ${Object.keys(NORMALIZERS).join(', ')})`);
    return n;
  });
}
