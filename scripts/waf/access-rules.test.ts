import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml, stringify } from 'yaml';
import { AccessRulesSchema, accessRuleWarnings } from '../../gateway/src/config/schema/access.ts';
import { parseCrawlerRanges } from '../../gateway/src/config/schema/crawler-ranges.ts';

const shipped = () => parseYaml(readFileSync('gateway/rules/access.yaml', 'utf8')) as Record<string, any>;

/** Messages for `path` when `edit` is applied to the shipped file; [] when it parses. */
function problems(edit: (raw: Record<string, any>) => void): string[] {
  const raw = shipped();
  edit(raw);
  const r = AccessRulesSchema.safeParse(raw);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('access.yaml schema', () => {
  it('accepts the shipped file and its crawler data', () => {
    expect(problems(() => {})).toEqual([]);
    expect(
      Object.keys(parseCrawlerRanges(JSON.parse(readFileSync('gateway/rules/crawlers.json', 'utf8'))).operators),
    ).toEqual(['googlebot', 'bingbot']);
  });

  const origins: [string, RegExp][] = [
    ['*', /"\*" is refused/],
    [' * ', /"\*" is refused/],
    ['null', /"null" is refused/],
    ['https://*.gatehouse.example', /is a pattern/],
    ['.*', /is a pattern/],
    ['^https://.*$', /is a pattern/],
    ['https://gatehouse.example/', /without path or trailing slash \(did you mean https:\/\/gatehouse\.example\?\)/],
    ['https://Gatehouse.example', /in lower case/],
    ['gatehouse.example', /is a pattern|not an origin/],
    ['ftp://gatehouse.example', /must use https/],
  ];
  for (const [origin, message] of origins) {
    it(`refuses the CORS origin ${JSON.stringify(origin)} with a clear message`, () => {
      const p = problems((raw) => {
        raw.cors.allowed_origins.push(origin);
      });
      expect(p).toHaveLength(1);
      expect(p[0]).toMatch(/^cors\.allowed_origins\.\d+: /);
      expect(p[0]).toMatch(message);
    });
  }

  const bad: [string, (raw: Record<string, any>) => void, RegExp][] = [
    [
      'a CIDR with host bits',
      (r) => {
        r.allowlist[0].cidrs = ['198.51.100.7/24'];
      },
      /host bits set; the network is 198\.51\.100\.0\/24/,
    ],
    [
      'a bare address',
      (r) => {
        r.allowlist[0].cidrs = ['198.51.100.7'];
      },
      /not a CIDR range/,
    ],
    [
      'an unknown grant',
      (r) => {
        r.allowlist[0].grants = ['skip_waf'];
      },
      /a grant: one of skip_rate_limit/,
    ],
    [
      'a grant that turns off logging',
      (r) => {
        r.allowlist[0].grants = ['no_logging'];
      },
      /a grant: one of/,
    ],
    [
      'an entry without expires_at',
      (r) => {
        delete r.allowlist[0].expires_at;
      },
      /allowlist\.0\.expires_at/,
    ],
    [
      'an entry without owner',
      (r) => {
        delete r.allowlist[0].owner;
      },
      /allowlist\.0\.owner/,
    ],
    [
      'a bad date',
      (r) => {
        r.allowlist[0].expires_at = '30/06/2027';
      },
      /a date like 2027-03-31/,
    ],
    [
      'duplicate entry names',
      (r) => {
        r.allowlist.push({ ...r.allowlist[0] });
      },
      /duplicate allowlist name qa-office/,
    ],
    [
      'the verified_crawler class on an entry',
      (r) => {
        r.allowlist[0].class = 'verified_crawler';
      },
      /allowlist\.0\.class/,
    ],
    [
      'alg none',
      (r) => {
        r.jwt.algorithm = 'none';
      },
      /jwt\.algorithm/,
    ],
    [
      'HS256',
      (r) => {
        r.jwt.algorithm = 'HS256';
      },
      /jwt\.algorithm/,
    ],
    [
      'a partial ** segment',
      (r) => {
        r.jwt.protected = ['/api**'];
      },
      /\*\* must be a whole segment/,
    ],
    [
      'a crawler UA token that is a regex',
      (r) => {
        r.crawlers.operators[0].user_agent_tokens = ['Google.*bot'];
      },
      /plain text, not a pattern/,
    ],
    [
      '"*" as an allowed header',
      (r) => {
        r.cors.allowed_headers = ['*'];
      },
      /"\*" is refused/,
    ],
    [
      'an unknown field',
      (r) => {
        r.jwt.leeway = 5;
      },
      /Unrecognized key/,
    ],
  ];
  for (const [what, edit, message] of bad) {
    it(`refuses ${what}`, () => {
      expect(problems(edit).join('\n')).toMatch(message);
    });
  }

  it('accepts IPv6 ranges and date-times with an offset', () => {
    expect(
      problems((r) => {
        r.allowlist[0].cidrs = ['2001:db8:4a::/48', '2001:db8::1/128'];
        r.allowlist[0].expires_at = '2027-01-01T18:00:00+02:00';
      }),
    ).toEqual([]);
  });
});

describe('accessRuleWarnings (what lint warns about)', () => {
  const rules = (edit: (raw: Record<string, any>) => void) => {
    const raw = shipped();
    edit(raw);
    return AccessRulesSchema.parse(raw);
  };
  const now = Date.parse('2027-06-20T12:00:00Z');

  it('the shipped file has none far from its expiry dates', () => {
    expect(
      accessRuleWarnings(
        rules(() => {}),
        Date.parse('2027-01-01T00:00:00Z'),
      ),
    ).toEqual([]);
  });
  it('warns about an expired entry, and one expiring within 14 days', () => {
    const w = accessRuleWarnings(
      rules((r) => {
        r.allowlist[0].expires_at = '2027-06-19';
      }),
      now,
    );
    expect(w).toContainEqual({
      path: 'allowlist[0]',
      message: expect.stringMatching(/qa-office expired on 2027-06-19 and grants nothing/),
    });
    expect(w).toContainEqual({
      path: 'allowlist[1]',
      message: expect.stringMatching(/uptime-monitor expires on 2027-06-30; ask sre@/),
    });
  });
  it('a date lasts through that day (UTC)', () => {
    const w = accessRuleWarnings(
      rules((r) => {
        r.allowlist[0].expires_at = '2027-06-20';
      }),
      now,
    );
    expect(w.find((x) => x.path === 'allowlist[0]')?.message).toMatch(/expires on/);
  });
  it('warns about waf_monitor_only and about an entry granting nothing', () => {
    const w = accessRuleWarnings(
      rules((r) => {
        r.allowlist[0].grants = ['waf_monitor_only'];
        r.allowlist[1].grants = [];
      }),
      Date.parse('2027-01-01T00:00:00Z'),
    );
    expect(w.map((x) => x.message).join('\n')).toMatch(/logged, not blocked[\s\S]*grants nothing beyond its class/);
  });
});

describe('npm run waf -- lint on access.yaml', () => {
  const lint = (dir: string) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/waf.ts', 'lint', '--rules', dir]);

  it('refuses a CORS "*" naming the file, the field and why', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'access-lint-'));
    cpSync('gateway/rules', dir, { recursive: true });
    const raw = shipped();
    raw.cors.allowed_origins = ['*'];
    writeFileSync(path.join(dir, 'access.yaml'), stringify(raw));
    await expect(lint(dir)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/access\.yaml cors\.allowed_origins\[0\]: "\*" is refused/),
    });
  });
});
