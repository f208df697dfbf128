/*
 * Needs (pre-check): one of : / . (or a value ending in `?`). URL rules need `://`, a leading
 * `http:`/`https:`, a leading `\\` (UNC) or a leading internal host name or address followed by / ? # :.
 */
import type { Detector, RuleMeta, Target, ValueViews } from '../../types.ts';
import { hasAny, TIGHT_DOT } from '../../views.ts';
import { classifyHost, METADATA_HOSTS } from './hosts.ts';
import { Findings, isAlphaCode } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_SSRF_001',
    family: 'ssrf',
    severity: 'critical',
    paranoia: 1,
    description: 'URL or address pointing at a cloud metadata service (169.254.169.254, metadata.google.internal …)',
  },
  {
    id: 'WAF_SSRF_002',
    family: 'ssrf',
    severity: 'critical',
    paranoia: 1,
    description:
      'URL pointing at an internal host (localhost, 127/8, 10/8, 192.168/16, [::1], numeric IP spellings, http:127.0.0.1 without slashes, localhost4/)',
  },
  {
    id: 'WAF_SSRF_003',
    family: 'ssrf',
    severity: 'critical',
    paranoia: 1,
    description:
      'URL with a scheme used for SSRF (file://, gopher://, dict://, ldap://, jar:, netdoc:, mod_proxy unix:…|http://)',
  },
  {
    id: 'WAF_RFI_001',
    family: 'rfi',
    severity: 'critical',
    paranoia: 1,
    description:
      'Remote file inclusion: URL to a raw IP address or ending in ?/NUL (suffix truncation), bare scheme probe (http?), UNC share (\\\\host\\share)',
  },
  {
    id: 'WAF_RFI_002',
    family: 'rfi',
    severity: 'critical',
    paranoia: 1,
    description:
      'Remote file inclusion: external URL in an include-style parameter (_CONF[path], mosConfig_absolute_path …)',
  },
] as const satisfies readonly RuleMeta[];

/** A bare scheme plus `?`: probing whether the parameter is fetched as a URL (suffix truncation). */
const RFI_PROBES = new Set(['http?', 'https?', 'ftp?', 'ftps?', 'file?']);
const SSRF_SCHEMES = new Set([
  'file',
  'gopher',
  'dict',
  'ldap',
  'ldaps',
  'jar',
  'netdoc',
  'tftp',
  'expect',
  'sftp',
  'smb',
  'ogg',
  'rmi',
  'iiop',
  'jndi',
]);
const WEB_SCHEMES = new Set(['http', 'https', 'ftp', 'ftps', 'ws', 'wss']);
/** URLs examined per value; bounds work on values stuffed with `://`. */
const MAX_URLS = 32;
/** Parameter names PHP apps pass to include(); a URL there is remote file inclusion. */
const INCLUDE_PARAM_MARKERS = [
  '[path]',
  'absolute_path',
  'root_path',
  'base_path',
  'basepath',
  'include',
  'inc_dir',
  'includedir',
  'rootdir',
  'root_dir',
  'basedir',
  'base_dir',
  'template_path',
  'abspath',
  'config[',
  '_conf[',
  'gallery_basedir',
  'phpbb_root_path',
  'appserv_root',
  'path_to_',
];

interface UrlParts {
  scheme: string;
  host: string;
  at: number;
  end: number;
}

function* urls(s: string): Generator<UrlParts> {
  let k = s.indexOf('://');
  let n = 0;
  while (k >= 0 && n < MAX_URLS) {
    n++;
    let b = k;
    while (b > 0 && (isAlphaCode(s.charCodeAt(b - 1)) || s[b - 1] === '+' || s[b - 1] === '.')) b--;
    const scheme = s.slice(b, k);
    const h = k + 3;
    let e = h;
    while (e < s.length && !'/?#\\ "\'<>'.includes(s[e])) e++;
    let authority = s.slice(h, e);
    const atSign = authority.lastIndexOf('@');
    if (atSign >= 0) authority = authority.slice(atSign + 1);
    let host = authority;
    if (host.startsWith('[')) host = host.slice(0, host.indexOf(']') + 1 || host.length);
    else if (host.indexOf(':') >= 0 && host.indexOf(':') === host.lastIndexOf(':'))
      host = host.slice(0, host.indexOf(':'));
    let end = e;
    while (end < s.length && s[end] !== ' ' && s[end] !== '"' && s[end] !== "'") end++;
    yield { scheme, host, at: b, end };
    k = s.indexOf('://', k + 3);
  }
}

/** A scheme-less value that starts with an internal host and a path (`localhost/`, `127.0.0.1:80/`). */
function bareInternal(s: string): number {
  let e = -1;
  for (const c of '/?#:') {
    const k = s.indexOf(c);
    if (k >= 0 && (e < 0 || k < e)) e = k;
  }
  if (e <= 0) return -1;
  const host = s.slice(0, e);
  const cls = classifyHost(host);
  // A dotless number (`10/`, `0x7f/`) is a fraction or a count, not an address; names (`localhost4/`,
  // `ip6-loopback/`) and dotted addresses are.
  return (cls === 'internal' && (host.indexOf('.') >= 0 || !numberLike(host))) || cls === 'metadata' ? 0 : -1;
}

function numberLike(h: string): boolean {
  const c = h.charCodeAt(0);
  return c >= 48 && c <= 57;
}

/**
 * `http:127.0.0.1`, `https:/localhost/x`: a special scheme without `//`, which URL parsers (WHATWG,
 * curl) still read as a host. Returns the host or null.
 */
function slashlessHost(s: string): string | null {
  const c = s.indexOf(':');
  if (c < 4 || c > 5 || !WEB_SCHEMES.has(s.slice(0, c)) || s.startsWith('//', c + 1)) return null;
  let h = c + 1;
  if (s[h] === '/' || s[h] === '\\') h++;
  let e = h;
  while (e < s.length && e - h < 64 && !'/?#\\ '.includes(s[e])) e++;
  const host = s.slice(h, e);
  const colon = host.lastIndexOf(':');
  return colon > 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host || null;
}

/** After `unix:`: a socket path with no spaces, `|`, then a URL (`unix:/run/x.sock|http://h/`). */
function unixSocketUrl(s: string, j: number): boolean {
  const bar = s.indexOf('|', j);
  if (bar < 0 || bar - j > 8192) return false;
  for (let k = j; k < bar; k++) if (s[k] === ' ' || s[k] === '\t' || s[k] === '\n') return false;
  let e = bar + 1;
  while (e < s.length && e - bar < 12 && isAlphaCode(s.charCodeAt(e))) e++;
  return e > bar + 1 && s.startsWith('://', e);
}

function includeParam(name: string): boolean {
  const n = name.toLowerCase();
  return INCLUDE_PARAM_MARKERS.some((m) => n.includes(m));
}

/**
 * SSRF and remote file inclusion over URL-shaped text in any value: every `scheme://host` is
 * classified (metadata, internal, raw IP, name); SSRF-only schemes are flagged on their own.
 */
export const ssrfRfi = {
  name: 'ssrf-rfi',
  rules: RULES,
  detect(target: Target, views: ValueViews) {
    const v = target.value;
    if (v.length < 4) return [];
    // URLs and host:port need `:/?#`, UNC paths `\\`, metadata hosts and IPs a dot inside a word.
    if (!hasAny(views.has, ':/?#\\') && !views.has[TIGHT_DOT]) return [];
    const s = views.lower.trim();
    const found = new Findings(target);
    if (s.indexOf('://') >= 0) {
      // Apache mod_proxy `unix:/path|http://host/` (CVE-2021-40438): a socket path steering the proxy.
      const ux = s.indexOf('unix:');
      if (ux >= 0 && target.kind !== 'header' && unixSocketUrl(s, ux + 5)) found.add('WAF_SSRF_003', ux);
      for (const u of urls(s)) {
        const cls = u.host ? classifyHost(u.host) : 'name';
        if (SSRF_SCHEMES.has(u.scheme) && target.kind !== 'header') found.add('WAF_SSRF_003', u.at);
        if (cls === 'metadata') found.add('WAF_SSRF_001', u.at);
        else if (
          cls === 'internal' &&
          (WEB_SCHEMES.has(u.scheme) || SSRF_SCHEMES.has(u.scheme)) &&
          target.name !== 'referer' &&
          target.name !== 'origin'
        )
          found.add('WAF_SSRF_002', u.at);
        if (WEB_SCHEMES.has(u.scheme) && target.kind !== 'header') {
          const tail = s.slice(u.at, u.end);
          if (cls === 'ip-public') found.add('WAF_RFI_001', u.at);
          if ((tail.endsWith('?') || tail.indexOf('\0') >= 0) && u.at === 0) found.add('WAF_RFI_001', u.at); // `?`/NUL truncate the appended suffix
          if (includeParam(target.name) && u.at === 0) found.add('WAF_RFI_002', u.at);
        }
      }
    } else if (s.length <= 6 && RFI_PROBES.has(s)) {
      found.add('WAF_RFI_001', 0);
    } else if (s.startsWith('\\\\') && target.kind !== 'header' && target.kind !== 'path') {
      // UNC path to a remote share (`\\10.0.0.5\share\x.php`): Windows include() fetches it over SMB.
      let e = 2;
      while (e < s.length && s[e] !== '\\' && s[e] !== '/') e++;
      const host = s.slice(2, e);
      if (e < s.length && host.length > 0 && (classifyHost(host) !== 'name' || host.indexOf('.') > 0))
        found.add('WAF_RFI_001', 0);
    } else if (views.has[58] && target.kind !== 'header' && target.kind !== 'path' && slashlessHost(s)) {
      const cls = classifyHost(slashlessHost(s)!);
      if (cls === 'metadata') found.add('WAF_SSRF_001', 0);
      else if (cls === 'internal') found.add('WAF_SSRF_002', 0);
    } else if (target.kind !== 'header' && target.kind !== 'path') {
      const k = bareInternal(s);
      if (k >= 0)
        found.add(classifyHost(s.slice(0, s.search(/[/?#:]/))) === 'metadata' ? 'WAF_SSRF_001' : 'WAF_SSRF_002', k);
    }
    if (!found.has('WAF_SSRF_001') && views.has[TIGHT_DOT]) {
      const m = s.indexOf('169.254.169.254');
      if (
        m >= 0 &&
        (s.indexOf('/latest', m) > 0 ||
          s.indexOf('/metadata', m) > 0 ||
          s.indexOf('/computemetadata', m) > 0 ||
          s.indexOf('/openstack', m) > 0)
      )
        found.add('WAF_SSRF_001', m);
      for (const h of ['metadata.google.internal', 'metadata.azure.com'])
        if (s.indexOf(h) >= 0) found.add('WAF_SSRF_001', s.indexOf(h));
    }
    void METADATA_HOSTS;
    return found.list();
  },
} satisfies Detector;
