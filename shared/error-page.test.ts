import { describe, expect, it } from 'vitest';
import { errorPageHtml, retryAfterSeconds, waitInWords } from './error-page.ts';
import { problem } from './errors.ts';

describe('error pages', () => {
  it.each([
    [1, '1 second'],
    [30, '30 seconds'],
    [89, '89 seconds'],
    [90, '2 minutes'],
    [600, '10 minutes'],
    [3600, '60 minutes'],
    [5400, 'about 2 hours'],
    [7200, 'about 2 hours'],
  ])('waits %i s → "%s"', (s, words) => {
    expect(waitInWords(s)).toBe(words);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    expect(retryAfterSeconds('42', now)).toBe(42);
    expect(retryAfterSeconds('Mon, 30 Nov 2026 12:01:00 GMT', now)).toBe(60);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(undefined, now)).toBeUndefined();
  });

  it('429 says how long; WAF 403 says what to do and the request id; nothing is echoed unescaped', () => {
    const limited = errorPageHtml(problem('RATE_LIMITED', 'req-1'), 45);
    expect(limited).toContain('Please wait 45 seconds, then try again.');
    const waf = errorPageHtml(problem('WAF_SQLI_001', 'req-"<b>', { status: 403 }));
    expect(waf).toContain('Your request was blocked for safety');
    expect(waf).toContain('req-&#34;&#60;b&#62;');
    expect(waf).not.toContain('<b>');
    expect(waf).toContain('href="/contact"');
  });
});
