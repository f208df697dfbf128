/*
 * Needs (pre-check): the User-Agent header (one of SCANNER_TOKENS as a whole word) or one of the
 * HEADER_FINGERPRINTS header names; no other target is inspected.
 */
import type { Detector, RuleMeta } from '../../types.ts';
import { isWordCode, matchAt, NeedleSet } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_SCANNER_001',
    family: 'scanner',
    severity: 'critical',
    paranoia: 1,
    description: 'Security scanner or attack tool User-Agent (sqlmap, nikto, nuclei, havij …)',
  },
  {
    id: 'WAF_SCANNER_002',
    family: 'scanner',
    severity: 'critical',
    paranoia: 1,
    description: 'Scanner fingerprint in a request header other than User-Agent (x-scanner, acunetix-product …)',
  },
] as const satisfies readonly RuleMeta[];

/**
 * Tool names as they appear in User-Agent strings (lower-case). Data, not logic: add a tool here.
 * Matched as whole words so "Nessus" matches but a product named "unessusual" does not.
 */
const SCANNER_TOKENS: readonly string[] = [
  'sqlmap',
  'nikto',
  'nuclei',
  'havij',
  'arachni',
  'acunetix',
  'nessus',
  'masscan',
  'zgrab',
  'wpscan',
  'dirbuster',
  'gobuster',
  'ffuf',
  'feroxbuster',
  'dirsearch',
  'wfuzz',
  'openvas',
  'w3af',
  'netsparker',
  'invicti',
  'appscan',
  'webinspect',
  'skipfish',
  'paros',
  'commix',
  'xsser',
  'jaeles',
  'whatweb',
  'wapiti',
  'fimap',
  'sqlninja',
  'bsqlbf',
  'pangolin',
  'jbrofuzz',
  'grabber',
  'nmap scripting engine',
  'nmap nse',
  'zmeu',
  'morfeus',
  'brutus',
  'hydra',
  'medusa',
  'dirb',
  'cgichk',
  'webshag',
  'nsauditor',
  'mysqloit',
  'absinthe',
  'bbqsql',
  'blackwidow',
  'crimscanner',
  'domino hunter',
  'emailcollector',
  'floodgate',
  'internet ninja',
  'metis',
  'n-stealth',
  'n-stalker',
  'netlab360',
  'qualys',
  'teh forest lobster',
  'webvulnscan',
  'webtrends security analyzer',
  'zeus',
  'vega',
  'burp collaborator',
  'burpsuite',
  'owasp zap',
  'zaproxy',
  'sitelockspider',
  'tamper data',
  'xenu',
  'jorgee',
  'struts-pwn',
  'log4shell',
  'interactsh',
  'censysinspect',
  'expanse',
  'l9explore',
  'l9tcpid',
  'leakix',
  'project discovery',
  'fuzz faster u fool',
  'python-requests/ sqlmap',
  'joomscan',
  'droopescan',
  'cmsmap',
  'whatwaf',
  'wafw00f',
  'sslyze',
  'testssl',
];
const HEADER_FINGERPRINTS = [
  'acunetix-product',
  'acunetix-scanning-agreement',
  'acunetix-user-agreement',
  'x-scanner',
  'x-wipp',
  'x-request-memo',
  'x-scan-memo',
];

function hasToken(ua: string, token: string): number {
  let k = ua.indexOf(token);
  while (k >= 0) {
    const before = k > 0 ? ua.charCodeAt(k - 1) : 32;
    const after = k + token.length < ua.length ? ua.charCodeAt(k + token.length) : 32;
    // A hyphenated prefix makes another product's name, and a URL path or host part is not the
    // product (`ecairn-grabber/1.0 (+http://ecairn.com/grabber)` is a crawler, not Grabber).
    if (!isWordCode(before) && before !== 45 && before !== 47 && before !== 46 && !isWordCode(after)) return k;
    k = ua.indexOf(token, k + 1);
  }
  return -1;
}

/** Every token in one pass: an ordinary browser agent names none and skips the per-token loop. */
const SCANNER_SET = new NeedleSet(SCANNER_TOKENS);

/** Scanner and attack-tool fingerprints in User-Agent and a few tool-specific headers. */
export const scannerUserAgent = {
  name: 'scanner-user-agent',
  rules: RULES,
  targets: ['header'],
  detect(target, views) {
    if (target.name === 'user-agent') {
      const ua = views.lower;
      if (SCANNER_SET.find(ua) < 0) return [];
      for (const t of SCANNER_TOKENS) {
        const k = hasToken(ua, t);
        if (k >= 0) return [matchAt('WAF_SCANNER_001', target, k)];
      }
      return [];
    }
    if (HEADER_FINGERPRINTS.includes(target.name)) return [matchAt('WAF_SCANNER_002', target, 0)];
    return [];
  },
} satisfies Detector;
