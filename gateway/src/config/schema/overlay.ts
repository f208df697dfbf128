import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AccessRulesSchema, JwtExemptionSchema } from './access.ts';
import { RuleFileError, type RuleSet } from './index.ts';

/**
 * The development overlay (gateway/rules/development.yaml): what only a developer's machine and the
 * tests may have, kept out of the rule files a production bundle runs on. `npm start`, `npm run
 * gateway` and the tests run with GATEWAY_ENV=development, and only then is the overlay merged
 * (arrays appended, then access.yaml validated again). Reference: docs/rules/access.md.
 */
export const OVERLAY_FILE = 'development.yaml';

const DevelopmentOverlaySchema = z
  .object({
    version: z.literal(1),
    access: z
      .object({
        cors: z
          .object({ allowed_origins: z.array(z.string()).default([]) })
          .strict()
          .prefault({}),
        jwt: z
          .object({ exempt: z.array(JwtExemptionSchema).default([]) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type DevelopmentOverlay = z.infer<typeof DevelopmentOverlaySchema>;

/** Parses and validates the overlay text; throws a RuleFileError naming each problem. */
export function parseOverlay(text: string): DevelopmentOverlay {
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    throw new RuleFileError([
      { file: OVERLAY_FILE, path: '', message: `YAML: ${(e as Error).message.split('\n')[0]}` },
    ]);
  }
  const r = DevelopmentOverlaySchema.safeParse(data);
  if (!r.success)
    throw new RuleFileError(
      r.error.issues.map((i) => ({ file: OVERLAY_FILE, path: i.path.join('.'), message: i.message })),
    );
  return r.data;
}

/** The rule set with the overlay merged in (a new object; `rules` is not changed). */
export function withOverlay(rules: RuleSet, overlay: DevelopmentOverlay): RuleSet {
  const a = rules['access.yaml'];
  const merged = AccessRulesSchema.safeParse({
    ...a,
    cors: { ...a.cors, allowed_origins: [...a.cors.allowed_origins, ...overlay.access.cors.allowed_origins] },
    jwt: { ...a.jwt, exempt: [...a.jwt.exempt, ...overlay.access.jwt.exempt] },
  });
  if (!merged.success)
    throw new RuleFileError(
      merged.error.issues.map((i) => ({ file: OVERLAY_FILE, path: `access.${i.path.join('.')}`, message: i.message })),
    );
  return { ...rules, 'access.yaml': merged.data };
}

const LOOPBACK_HOST = /^(localhost|.*\.localhost|127(\.\d{1,3}){3}|\[::1\]|\[::ffff:127(\.\d{1,3}){3}\]|0\.0\.0\.0)$/i;

/**
 * What a production bundle must not contain: loopback CORS origins (any page served from a
 * developer's or attacker's localhost could make credentialed calls; issue 14, finding 10).
 * `waf lint` fails on these, and the Worker refuses to build its production pipeline with them.
 */
export function productionProblems(rules: RuleSet): { file: string; path: string; message: string }[] {
  const out: { file: string; path: string; message: string }[] = [];
  rules['access.yaml'].cors.allowed_origins.forEach((o, i) => {
    if (LOOPBACK_HOST.test(new URL(o).hostname))
      out.push({
        file: 'access.yaml',
        path: `cors.allowed_origins[${i}]`,
        message: `${o} is a loopback origin: development origins belong in ${OVERLAY_FILE}, never in the production rules`,
      });
  });
  return out;
}
