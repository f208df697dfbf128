import { durationMs, type LimitPolicy, type LimitsRules } from '../config/schema/limits.ts';
import type { ClientClass } from '../env.ts';

/**
 * limits.yaml → compiled policies, once per isolate: path matchers built, windows in ms, degraded
 * limits computed. The hot path only calls `select`. Which limiter counts for a policy (Redis or
 * memory) is decided by the stage from the bindings (gateway/src/ratelimit/backend.ts).
 */
export interface CompiledPolicy extends Omit<LimitPolicy, 'window'> {
  window: string;
  windowMs: number;
  windowSeconds: number;
  /** The in-isolate limit a `local` policy runs on while Redis is unreachable. */
  degradedLimit: number;
  matches(method: string, path: string): boolean;
  clients?: ReadonlySet<ClientClass>;
}

function pathMatcher(patterns: readonly string[]): (path: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.endsWith('/*')));
  const prefixes = patterns.filter((p) => p.endsWith('/*')).map((p) => p.slice(0, -1));
  return (path) => exact.has(path) || prefixes.some((p) => path.startsWith(p));
}

/** @internal exported for its tests */
export function compilePolicy(p: LimitPolicy): CompiledPolicy {
  const windowMs = durationMs(p.window);
  const methods = new Set<string>(p.match.methods);
  const paths = pathMatcher(p.match.paths);
  return {
    ...p,
    windowMs,
    windowSeconds: Math.max(1, Math.round(windowMs / 1000)),
    degradedLimit:
      p.failure.mode === 'local' ? Math.max(1, Math.floor(p.limit * (p.failure.degraded_factor ?? 1))) : p.limit,
    matches: (method, path) => methods.has(method) && paths(path),
    clients: p.match.clients ? new Set(p.match.clients) : undefined,
  };
}

export interface CompiledLimits {
  policies: readonly CompiledPolicy[];
  /**
   * The policies that apply to a request. Every matching policy applies (a login counts against the
   * IP and the account policies), except that a client class with a dedicated policy on the route
   * (a verified crawler) is limited by that policy instead of the general ones.
   */
  select(method: string, path: string, client: ClientClass): CompiledPolicy[];
}

export function compileLimits(rules: LimitsRules): CompiledLimits {
  const policies = rules.policies.map(compilePolicy);
  checkDedicatedNotBelowGeneral(policies);
  return {
    policies,
    select(method, path, client) {
      const matching = policies.filter((p) => p.matches(method, path));
      const dedicated = matching.filter((p) => p.clients?.has(client));
      return dedicated.length ? dedicated : matching.filter((p) => !p.clients);
    },
  };
}

const rate = (p: CompiledPolicy) => p.limit / p.windowMs;

/**
 * A dedicated policy (verified crawlers) replaces the general ones on its routes, so it must never
 * be stricter than them: a verified crawler may not end up below an anonymous client.
 */
function checkDedicatedNotBelowGeneral(policies: readonly CompiledPolicy[]): void {
  for (const d of policies.filter((p) => p.clients)) {
    for (const g of policies.filter((p) => !p.clients)) {
      const shared =
        d.match.paths.some((x) => g.match.paths.includes(x)) &&
        d.match.methods.some((m) => g.match.methods.includes(m));
      if (shared && rate(d) < rate(g))
        throw new Error(
          `limits.yaml: policy ${d.id} (for ${[...d.clients!].join(', ')}) is below the general policy ${g.id} on the same routes`,
        );
    }
  }
}

/** @internal exported for its tests */
export type { LimitPolicy };
