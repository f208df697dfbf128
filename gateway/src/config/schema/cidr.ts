import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * A CIDR range, IPv4 or IPv6, written as its network address (`203.0.113.0/24`, `2001:db8::/32`).
 * A range with host bits set (`203.0.113.7/24`) is refused: it is almost always a typo for a single
 * address (`/32`) or for the network, and guessing which would widen or narrow an allowlist silently.
 */
export const CidrSchema = z.string().superRefine((s, ctx) => {
  if (!ipaddr.isValidCIDR(s)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${s}" is not a CIDR range like 203.0.113.0/24 or 2001:db8::/32 (a single address is /32 or /128)`,
    });
    return;
  }
  const [addr, len] = ipaddr.parseCIDR(s);
  const network = networkOf(addr, len);
  if (network !== addr.toString()) {
    ctx.addIssue({ code: 'custom', message: `"${s}" has host bits set; the network is ${network}/${len}` });
  }
});

/** The network address of `addr/len` in its canonical text form. */
export function networkOf(addr: ipaddr.IPv4 | ipaddr.IPv6, len: number): string {
  const bytes = addr.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, len - i * 8));
    bytes[i] &= keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
  }
  return ipaddr.fromByteArray(bytes).toString();
}
