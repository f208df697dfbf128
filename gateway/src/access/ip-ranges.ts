import ipaddr from 'ipaddr.js';

type V4Range = [ipaddr.IPv4, number];
type V6Range = [ipaddr.IPv6, number];

/** A compiled list of CIDR ranges; `has` takes an address already parsed by `parseClientIp`. */
export interface IpRanges {
  readonly size: number;
  has(addr: ipaddr.IPv4 | ipaddr.IPv6 | null): boolean;
}

/** CIDRs (validated by the schema) → a matcher split by address family. */
export function compileRanges(cidrs: Iterable<string>): IpRanges {
  const v4: V4Range[] = [];
  const v6: V6Range[] = [];
  for (const cidr of cidrs) {
    const [addr, len] = ipaddr.parseCIDR(cidr);
    if (addr.kind() === 'ipv4') v4.push([addr as ipaddr.IPv4, len]);
    else v6.push([addr as ipaddr.IPv6, len]);
  }
  return {
    size: v4.length + v6.length,
    has(addr) {
      if (!addr) return false;
      if (addr.kind() === 'ipv4') return v4.some((r) => (addr as ipaddr.IPv4).match(r));
      return v6.some((r) => (addr as ipaddr.IPv6).match(r));
    },
  };
}

/** The client-ip stage's value (`1.2.3.4`, `2001:db8::1` or `unknown`) as an address, or null. */
export function parseClientIp(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ip === 'unknown' || !ipaddr.isValid(ip)) return null;
  return ipaddr.process(ip);
}
