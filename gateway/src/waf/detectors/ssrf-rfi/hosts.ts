/**
 * Host classification for SSRF: cloud metadata endpoints, loopback/private/link-local ranges, and
 * the numeric IPv4 spellings (decimal 2130706433, hex 0x7f000001, octal 0177.0.0.1, short 127.1)
 * that URL parsers accept and naive filters miss.
 */
export const METADATA_HOSTS = new Set([
  '169.254.169.254',
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  '100.100.100.200',
  '169.254.170.2',
  'fd00:ec2::254',
  '[fd00:ec2::254]',
  'metadata.azure.com',
  '169.254.169.253',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
  'metadata.packet.net',
  '192.0.0.192',
]);

const INTERNAL_NAMES = new Set([
  'localhost',
  'localhost.localdomain',
  'localhost4',
  'localhost6',
  'localhost4.localdomain4',
  'localhost6.localdomain6',
  'ip6-localhost',
  'ip6-loopback',
  'ipv6-localhost',
  'ipv6-loopback',
  'host.docker.internal',
  'gateway.docker.internal',
  'host.containers.internal',
  'kubernetes.default',
  'kubernetes.default.svc',
  'localtest.me',
  'lvh.me',
  'vcap.me',
  'nip.io',
  'broadcasthost',
  '[::1]',
  '[::]',
  '[0:0:0:0:0:0:0:1]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '::1',
]);

/** Parses one IPv4 component the way inet_aton does (0x hex, leading-0 octal, decimal). */
function part(p: string): number {
  if (!p) return NaN;
  if (p.startsWith('0x'))
    return p.length > 2 && /* hex digits only */ [...p.slice(2)].every((c) => '0123456789abcdef'.includes(c))
      ? parseInt(p.slice(2), 16)
      : NaN;
  if (![...p].every((c) => c >= '0' && c <= '9')) return NaN;
  if (p.length > 1 && p[0] === '0') return [...p].every((c) => c < '8') ? parseInt(p, 8) : NaN;
  return parseInt(p, 10);
}

/** A single hex or decimal number of more than 32 bits, reduced modulo 2^32; null otherwise. */
function wrapped32(p: string): number | null {
  if (p.startsWith('0x')) {
    const d = p.slice(2);
    if (d.length <= 8 || ![...d].every((c) => '0123456789abcdef'.includes(c))) return null;
    return parseInt(d.slice(-8), 16);
  }
  if (p.length < 10 || ![...p].every((c) => c >= '0' && c <= '9')) return null;
  let v = 0;
  for (const c of p) v = (v * 10 + (c.charCodeAt(0) - 48)) % 4294967296;
  return p.length > 10 || parseInt(p, 10) >= 4294967296 ? v : null;
}

/** inet_aton: 1–4 parts, the last filling the remaining bytes. Returns a 32-bit number or null. */
function parseIpv4Loose(host: string): { value: number; canonical: boolean } | null {
  if (host.length > 40) return null;
  const parts = host.split('.');
  if (parts.length > 4) return null;
  if (parts.length === 1) {
    // One number past 32 bits (`7147006462`, `0x41414141a9fea9fe`): parsers that wrap it reach
    // the low 32 bits (169.254.169.254 here); no canonical spelling looks like this.
    const w = wrapped32(host);
    if (w !== null) return { value: w, canonical: false };
  }
  const nums = parts.map(part);
  if (nums.some((n) => Number.isNaN(n))) return null;
  let value = 0;
  for (let i = 0; i < nums.length - 1; i++) {
    if (nums[i] > 255) return null;
    value = value * 256 + nums[i];
  }
  const last = nums[nums.length - 1];
  const room = 4 - (nums.length - 1);
  if (last >= 256 ** room) return null;
  value = value * 256 ** room + last;
  const canonical = parts.length === 4 && parts.every((p) => p === String(parseInt(p, 10)));
  return { value, canonical };
}

export type HostClass = 'metadata' | 'internal' | 'ip-public' | 'name';

/** Public wildcard DNS services: `<ip>.nip.io` resolves to `<ip>`, so the name is the address. */
const WILDCARD_DNS = ['.nip.io', '.sslip.io', '.xip.io', '.traefik.me', '.localtest.me', '.lvh.me'];

/**
 * `169.254.169.254.nip.io`, `10-0-0-5.sslip.io`, `app.127.0.0.1.nip.io`: a wildcard DNS name is
 * classed as the IPv4 address it embeds (dotted or dashed, the last four numeric labels before the
 * service), so the rebinding-style spelling of an internal address is internal.
 */
function embeddedIpHost(host: string): HostClass {
  const suffix = WILDCARD_DNS.find((w) => host.endsWith(w));
  if (!suffix) return 'name';
  const labels = host.slice(0, -suffix.length).split('.');
  const last = labels[labels.length - 1] ?? '';
  const dotted = labels.slice(-4).join('.');
  const candidate = last.includes('-') ? last.split('-').slice(-4).join('.') : dotted;
  const cls = /^\d{1,3}(\.\d{1,3}){3}$/.test(candidate) ? classifyHost(candidate) : 'name';
  return cls === 'ip-public' ? 'name' : cls;
}

export function classifyHost(hostRaw: string): HostClass {
  const host = hostRaw.toLowerCase().replace(/\.$/, '');
  if (METADATA_HOSTS.has(host)) return 'metadata';
  if (
    INTERNAL_NAMES.has(host) ||
    host.endsWith('.internal') ||
    host.endsWith('.localhost') ||
    host.endsWith('.local') ||
    host.endsWith('.localtest.me')
  )
    return 'internal';
  if (host.startsWith('[')) {
    let h = host.slice(1, -1);
    // `[0:0:0:0:0:ffff:169.254.169.254]` is the long spelling of `[::ffff:169.254.169.254]`.
    if (h.startsWith('0:0:0:0:0:ffff:')) h = '::ffff:' + h.slice(15);
    if (h.startsWith('::ffff:') && classifyHost(h.slice(7)) === 'metadata') return 'metadata';
    if (
      h === '::1' ||
      h === '::' ||
      h.startsWith('fe80:') ||
      h.startsWith('fc') ||
      h.startsWith('fd') ||
      h.startsWith('::ffff:')
    )
      return h.startsWith('fd00:ec2') ? 'metadata' : 'internal';
    return 'ip-public';
  }
  // Unbracketed IPv6 literal (`2001:db8::1`): hex groups and colons only.
  if (
    host.indexOf(':') !== host.lastIndexOf(':') &&
    [...host].every((c) => c === ':' || '0123456789abcdef'.includes(c))
  ) {
    return host === '::1' || host === '::' || host.startsWith('fe80:') || host.startsWith('fc') || host.startsWith('fd')
      ? 'internal'
      : 'ip-public';
  }
  const ip = parseIpv4Loose(host);
  if (!ip) return embeddedIpHost(host);
  const v = ip.value;
  const a = Math.floor(v / 16777216);
  const b = Math.floor(v / 65536) % 256;
  if (v === 0xa9fea9fe) return 'metadata';
  if (
    a === 127 ||
    a === 10 ||
    a === 0 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127)
  )
    return 'internal';
  // Non-canonical spellings of any address are an evasion in themselves.
  if (!ip.canonical) return 'internal';
  return 'ip-public';
}
