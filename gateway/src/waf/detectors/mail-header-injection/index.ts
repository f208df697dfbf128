import type { Detector, RuleMeta } from '../../types.ts';
import { matchAt } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_MAIL_001',
    family: 'mail',
    severity: 'critical',
    paranoia: 1,
    description: 'Mail header injection (newline + Bcc:/Cc:/To: in an address or subject field)',
  },
] as const satisfies readonly RuleMeta[];

const MAIL_HEADERS = [
  'bcc',
  'cc',
  'to',
  'from',
  'reply-to',
  'subject',
  'content-type',
  'mime-version',
  'sender',
  'return-path',
  'x-mailer',
  'content-transfer-encoding',
];
/** Fields that end up in mail headers; long text fields (essays) legitimately contain "To:" lines. */
const MAIL_FIELD_HINTS = ['mail', 'subject', 'from', 'to', 'reply', 'sender', 'recipient', 'name', 'cc', 'bcc'];

/**
 * A newline followed by a mail header name and `:`, in a field that is an address or subject (by
 * name), or in a value whose first line is an e-mail address.
 */
export const mailHeaderInjection = {
  name: 'mail-header-injection',
  rules: RULES,
  detect(target, views) {
    const v = target.value;
    const lf = v.indexOf('\n');
    const cr = v.indexOf('\r');
    const nl = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
    if (nl < 0) return [];
    const first = v.slice(0, nl);
    const name = target.name.toLowerCase();
    const hinted = MAIL_FIELD_HINTS.some(
      (h) => name.endsWith(h) || name.includes(h + '_') || name.includes('_' + h) || name.includes('mail'),
    );
    const addressFirst = first.includes('@') && !first.trim().includes(' ');
    if (!hinted && !addressFirst) return [];
    const s = views.lower;
    for (let i = nl; i < s.length; i++) {
      if (s[i] !== '\n' && s[i] !== '\r') continue;
      let j = i + 1;
      while (s[j] === '\n' || s[j] === '\r' || s[j] === ' ' || s[j] === '\t') j++;
      for (const h of MAIL_HEADERS) {
        if (s.startsWith(h, j)) {
          let e = j + h.length;
          while (s[e] === ' ') e++;
          if (s[e] === ':') return [matchAt('WAF_MAIL_001', target, i)];
        }
      }
      i = j - 1;
    }
    return [];
  },
} satisfies Detector;
