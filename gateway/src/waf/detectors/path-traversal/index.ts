import type { Detector, Match, RuleMeta } from '../../types.ts';
import { hasAny, TIGHT_DOT } from '../../views.ts';
import { matchAt, NeedleSet } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_LFI_001',
    family: 'lfi',
    severity: 'critical',
    paranoia: 1,
    description: 'Path traversal (../ repeated, or leading a value, incl. encoded and overlong forms)',
  },
  {
    id: 'WAF_LFI_002',
    family: 'lfi',
    severity: 'critical',
    paranoia: 1,
    description: 'Sensitive OS/application file (/etc/passwd, win.ini, /proc/self, .htpasswd, id_rsa …)',
  },
  {
    id: 'WAF_LFI_003',
    family: 'lfi',
    severity: 'critical',
    paranoia: 1,
    description: 'Request path to hidden files, backups or logs (/.git/, /.env, *.bak, *.log, /@fs/, /@id/)',
  },
  { id: 'WAF_LFI_004', family: 'lfi', severity: 'warning', paranoia: 2, description: 'Single ../ inside a value' },
] as const satisfies readonly RuleMeta[];

/** Files an attacker reads to pivot; matched after a `/` or `\` (or at value start). */
const SENSITIVE_FILES = [
  'etc/passwd',
  'etc/shadow',
  'etc/group',
  'etc/hosts',
  'etc/issue',
  'etc/subuid',
  'etc/subgid',
  'etc/sudoers',
  'etc/crontab',
  'etc/master.passwd',
  'etc/security/',
  'etc/mysql/',
  'etc/httpd/',
  'etc/apache2/',
  'etc/nginx/',
  'etc/ssh/',
  'etc/ssl/private',
  'etc/hostname',
  'etc/resolv.conf',
  'etc/motd',
  'etc/profile',
  'etc/environment',
  'proc/self/',
  'proc/version',
  'proc/cmdline',
  'proc/mounts',
  'proc/net/',
  'proc/1/',
  'proc/interrupts',
  'proc/cpuinfo',
  'proc/meminfo',
  'sys/class',
  'sys/kernel/',
  'win.ini',
  'system.ini',
  'boot.ini',
  'windows/system32',
  'winnt/system32',
  'windows/repair',
  'system32/config',
  'inetpub/',
  'autoexec.bat',
  'config.sys',
  '.htpasswd',
  '.htaccess',
  'web.config',
  'wp-config.php',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  'authorized_keys',
  'known_hosts',
  '.bash_history',
  '.zsh_history',
  '.ssh/',
  '.aws/credentials',
  '.git/config',
  '.git/head',
  '.svn/entries',
  '.docker/',
  '.kube/config',
  '.npmrc',
  '.pgpass',
  '.my.cnf',
  'php.ini',
  'my.cnf',
  'httpd.conf',
  'nginx.conf',
  'applicationhost.config',
  'var/log/',
  'var/run/secrets',
  'var/lib/mysql',
  'usr/local/etc/',
  'etc/php',
  'bin/sh',
  'web-inf/web.xml',
  'meta-inf/manifest.mf',
  'localsettings.php',
  'configuration.php',
  'settings.php',
  '.env.local',
  '.env.production',
];
/** Hidden path segments that are public by design. */
const PUBLIC_DOT_SEGMENTS = new Set(['.well-known']);
/** Extensions of files that are never meant to be served: backups, logs, dumps, configs. */
const RESTRICTED_EXT = [
  '.bak',
  '.backup',
  '.old',
  '.orig',
  '.save',
  '.swp',
  '.swo',
  '.sql',
  '.sqlite',
  '.db',
  '.log',
  '.ini',
  '.conf',
  '.cfg',
  '.env',
  '.pem',
  '.key',
  '.p12',
  '.pfx',
  '.tmp',
  '.dist',
  '.inc',
  '.config',
  '.history',
  '.sql.zip',
  '.sql.gz',
  '.tar.gz',
  '.tgz',
];

function traversals(s: string): { count: number; first: number } {
  let count = 0;
  let first = -1;
  let i = s.indexOf('..');
  while (i >= 0) {
    let j = i + 2;
    while (s[j] === '.') j++; // `.../` is a traversal on some servers too
    if (s[j] === '\0') j++; // null-byte `..\0/`
    if (s[j] === ';') {
      // Tomcat path parameter `..;/`, `..;jsessionid=x/`: skip to the next separator (bounded, no spaces).
      let k = j + 1;
      while (k < s.length && k - j < 24 && s[k] !== '/' && s[k] !== '\\' && s[k] !== ' ') k++;
      if (s[k] === '/' || s[k] === '\\') j = k;
    }
    // `foo../` is a file name ending in dots, not a step up: `..` must start a segment.
    const before = i > 0 ? s.charCodeAt(i - 1) : 47;
    const glued = (before >= 48 && before <= 57) || (before >= 97 && before <= 122) || before === 95 || before === 45;
    if (
      !glued &&
      (s[j] === '/' || s[j] === '\\' || (j >= s.length && i > 0 && (s[i - 1] === '/' || s[i - 1] === '\\')))
    ) {
      if (first < 0) first = i;
      count++;
    }
    i = s.indexOf('..', j);
  }
  return { count, first };
}

/** `0x2e0x2e0x2f` / `0x5c0x2e./`: separators and dots written as hex literals (an IDS evasion). */
function hexNotation(s: string): string {
  return s.split('0x2e').join('.').split('0x2f').join('/').split('0x5c').join('\\');
}

/** All sensitive names in one pass: most values contain none, and the per-name loop is skipped. */
const SENSITIVE_SET = new NeedleSet(SENSITIVE_FILES);

function sensitiveFile(s: string): number {
  if (SENSITIVE_SET.find(s) < 0) return -1;
  for (const f of SENSITIVE_FILES) {
    let k = s.indexOf(f);
    while (k >= 0) {
      const p = k > 0 ? s[k - 1] : '/';
      if (p === '/' || p === '\\' || f[0] === '.' || f[0] === '/') return k;
      k = s.indexOf(f, k + 1);
    }
  }
  return -1;
}

/** Sensitive names that are recognisable without any path separator. */
const BARE_FILES = [
  'win.ini',
  'system.ini',
  'boot.ini',
  '.htpasswd',
  '.htaccess',
  'wp-config.php',
  'id_rsa',
  'web.config',
  'authorized_keys',
  '.bash_history',
];
function bareSensitiveFile(s: string): number {
  for (const f of BARE_FILES) {
    const k = s.indexOf(f);
    if (k >= 0) return k;
  }
  return -1;
}

function restrictedPath(path: string): number {
  const segs = path.split('/');
  let at = 0;
  for (const seg of segs) {
    if (seg.length > 1 && seg[0] === '.' && seg[1] !== '.' && !PUBLIC_DOT_SEGMENTS.has(seg)) return at;
    // Vite dev-server internals: `/@fs/` reads any file, `/@id/__x00__` virtual modules.
    if (seg === '@fs' || seg === '@id' || seg.endsWith('~')) return at;
    at += seg.length + 1;
  }
  const last = segs[segs.length - 1];
  if (RESTRICTED_EXT.some((e) => last.endsWith(e))) return path.length - last.length;
  return -1;
}

/**
 * Path traversal and local file inclusion: `../` sequences (after URL/overlong decoding and with
 * `\` folded to `/`), sensitive file names, and — on the URL path only — hidden segments, backups
 * and logs. Work is a handful of indexOf scans per value.
 */
export const pathTraversal = {
  name: 'path-traversal',
  rules: RULES,
  detect(target, views) {
    const v = target.value;
    if (v.length < 3) return [];
    if (!hasAny(views.has, './\\')) return [];
    const s = views.lower;
    // Only sentence-ending dots (`forward. When`): no `..`, no separator, no file name, no hex form.
    if (!views.has[TIGHT_DOT] && !hasAny(views.has, '/\\_') && target.kind !== 'path' && s.indexOf('0x') < 0) return [];
    const found: Match[] = [];
    const unhexed = s.indexOf('0x') >= 0 ? hexNotation(s) : s;
    const norm = unhexed.indexOf('\\') >= 0 ? unhexed.split('\\').join('/') : unhexed;
    const t = traversals(norm);
    if (
      t.count >= 2 ||
      (t.count === 1 &&
        (t.first === 0 || norm.startsWith('/..') || target.kind === 'filename' || target.kind === 'path'))
    ) {
      found.push(matchAt('WAF_LFI_001', target, t.first));
    } else if (t.count === 1) found.push(matchAt('WAF_LFI_004', target, t.first));
    // `////etc//passwd`: the OS reads repeated slashes as one.
    const files = norm.indexOf('//') >= 0 ? norm.replace(/\/{2,}/g, '/') : norm;
    const f = hasAny(views.has, '/\\') ? sensitiveFile(files) : bareSensitiveFile(files);
    if (f >= 0) found.push(matchAt('WAF_LFI_002', target, f));
    if (target.kind === 'path') {
      const r = restrictedPath(norm);
      if (r >= 0) found.push(matchAt('WAF_LFI_003', target, r));
    }
    return found;
  },
} satisfies Detector;
