import type ipaddr from 'ipaddr.js';
import { expiryInstant, type AccessRules, type Grant } from '../config/schema/access.ts';
import { compileRanges, type IpRanges } from './ip-ranges.ts';

interface CompiledEntry {
  name: string;
  class: 'qa' | 'monitor';
  ranges: IpRanges;
  expiresAt: number;
  grants: readonly Grant[];
}

/** What the allowlist says about one address; `entries` names every live entry that matched. */
export interface AllowlistMatch {
  class: 'qa' | 'monitor';
  grants: ReadonlySet<Grant>;
  entries: string[];
}

/**
 * The allowlist compiled once: ranges parsed, expiry instants computed. An expired entry matches
 * nothing. When several live entries match, the first in the file gives the class and the grants
 * are their union.
 */
export function compileAllowlist(entries: AccessRules['allowlist']) {
  const compiled: CompiledEntry[] = entries.map((e) => ({
    name: e.name,
    class: e.class,
    ranges: compileRanges(e.cidrs),
    expiresAt: expiryInstant(e.expires_at),
    grants: e.grants,
  }));
  return function matchAllowlist(addr: ipaddr.IPv4 | ipaddr.IPv6 | null, now: number): AllowlistMatch | null {
    if (!addr) return null;
    let match: AllowlistMatch | null = null;
    for (const e of compiled) {
      if (now > e.expiresAt || !e.ranges.has(addr)) continue;
      if (!match) match = { class: e.class, grants: new Set(e.grants), entries: [e.name] };
      else {
        for (const g of e.grants) (match.grants as Set<Grant>).add(g);
        match.entries.push(e.name);
      }
    }
    return match;
  };
}
