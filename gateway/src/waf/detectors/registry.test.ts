import { describe, expect, it } from 'vitest';
import type { Family } from '../types.ts';
import { DETECTORS } from './registry.ts';
import { valueViews } from '../views.ts';

/** The id prefix each family's rules use (stable ids are part of the rule-file contract). */
const PREFIX: Partial<Record<Family, string[]>> = {
  sqli: ['WAF_SQLI_'],
  xss: ['WAF_XSS_'],
  lfi: ['WAF_LFI_'],
  rfi: ['WAF_RFI_'],
  ssrf: ['WAF_SSRF_'],
  rce: ['WAF_RCE_', 'WAF_JSI_', 'WAF_SSI_'],
  ssti: ['WAF_SSTI_'],
  nosql: ['WAF_NOSQL_'],
  'prototype-pollution': ['WAF_PROTO_POLLUTION_'],
  crlf: ['WAF_CRLF_'],
  ldap: ['WAF_LDAP_'],
  xxe: ['WAF_XXE_'],
  mail: ['WAF_MAIL_'],
  scanner: ['WAF_SCANNER_'],
  php: ['WAF_PHP_'],
  java: ['WAF_JAVA_'],
  'session-fixation': ['WAF_SESSION_'],
  protocol: ['WAF_REDIRECT_'],
};

describe('detector registry', () => {
  const rules = DETECTORS.flatMap((d) => d.rules);

  it('has unique detector names and unique rule ids', () => {
    expect(new Set(DETECTORS.map((d) => d.name)).size).toBe(DETECTORS.length);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });

  it('gives every rule a well-formed id, family prefix, severity, paranoia and description', () => {
    for (const r of rules) {
      expect(r.id, r.id).toMatch(/^WAF_[A-Z]+(_[A-Z]+)*_\d{3}$/);
      expect(
        PREFIX[r.family]?.some((p) => r.id.startsWith(p)),
        `${r.id} prefix fits family ${r.family}`,
      ).toBe(true);
      expect(['critical', 'error', 'warning', 'notice']).toContain(r.severity);
      expect([1, 2, 3, 4]).toContain(r.paranoia);
      expect(r.description.length).toBeGreaterThan(10);
    }
  });

  it('never throws and returns an array for empty, tiny and odd values of every kind', () => {
    const ctx = {
      paranoia: 4 as const,
      request: {
        method: 'GET',
        path: '/',
        host: null,
        contentType: null,
        contentLength: null,
        headers: new Map<string, string>(),
      },
    };
    const kinds = [
      'path',
      'query',
      'query_name',
      'header',
      'cookie',
      'cookie_name',
      'json',
      'json_key',
      'form',
      'form_name',
      'multipart',
      'filename',
      'xml',
      'body',
    ] as const;
    for (const v of ['', 'a', '%', '\\', '<', '${', '\u0000', '\ud800', ')(', "'", '`', '&#', '::', '[$']) {
      for (const kind of kinds)
        for (const d of DETECTORS) {
          const out = d.detect(
            { kind, name: kind === 'header' ? 'user-agent' : 'x', raw: v, value: v },
            valueViews(v),
            ctx,
          );
          expect(Array.isArray(out)).toBe(true);
        }
    }
  });
});
