import { createHash } from 'node:crypto';

/**
 * Upstash accepts Lua shebang flags that open-source Redis 7.0 rejects (@upstash/ratelimit's scripts
 * start with `#!lua flags=allow-key-locking`). The bridge drops the flags Redis does not know and
 * keeps a map from the SHA1 the client computed (of the original text) to the SHA1 Redis knows, so
 * EVALSHA with the library's pinned hashes keeps working: one round trip per decision, as on Upstash.
 */
const REDIS_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

export function createScriptTranslator() {
  /** client SHA (original text) → Redis SHA (rewritten text). */
  const shas = new Map<string, string>();

  function rewrite(script: string): string {
    const m = /^#!lua([^\n]*)\n/.exec(script);
    if (!m) return script;
    const flags = /flags=(\S*)/.exec(m[1])?.[1];
    if (flags === undefined) return script;
    const kept = flags.split(',').filter((f) => REDIS_FLAGS.has(f));
    const head = kept.length ? `#!lua flags=${kept.join(',')}` : '#!lua';
    return head + '\n' + script.slice(m[0].length);
  }

  function remember(script: string): string {
    const out = rewrite(script);
    if (out !== script) shas.set(sha1(script), sha1(out));
    return out;
  }

  /** Rewrites one command for Redis. SCRIPT LOAD still answers the client's own SHA (see `answer`). */
  function translate(cmd: string[]): string[] {
    const name = cmd[0]?.toUpperCase();
    if ((name === 'EVAL' || name === 'EVAL_RO') && cmd.length > 1) return [cmd[0], remember(cmd[1]), ...cmd.slice(2)];
    if ((name === 'EVALSHA' || name === 'EVALSHA_RO') && cmd.length > 1)
      return [cmd[0], shas.get(cmd[1].toLowerCase()) ?? cmd[1], ...cmd.slice(2)];
    if (name === 'SCRIPT' && cmd[1]?.toUpperCase() === 'LOAD' && cmd.length > 2)
      return [cmd[0], cmd[1], remember(cmd[2])];
    if (name === 'SCRIPT' && cmd[1]?.toUpperCase() === 'EXISTS')
      return [cmd[0], cmd[1], ...cmd.slice(2).map((s) => shas.get(s.toLowerCase()) ?? s)];
    return cmd;
  }

  /** The SHA the client expects from SCRIPT LOAD: of the text it sent. */
  function clientSha(cmd: string[]): string | undefined {
    return cmd[0]?.toUpperCase() === 'SCRIPT' && cmd[1]?.toUpperCase() === 'LOAD' && cmd.length > 2
      ? sha1(cmd[2])
      : undefined;
  }

  return { translate, clientSha };
}
