import { type FieldFormat, formatRule, longerThan, tooLong } from './types.ts';

/** RFC 5321 §4.5.3.1: 64 octets of local part; 254 is the usable length of a whole address. */
const LOCAL_MAX = 64;
const LABEL_MAX = 63;

/** Local-part characters: letters, marks and digits of any script (RFC 6531) and RFC 5322 atext but the backtick. */
const LOCAL_CHARS = /^[\p{L}\p{M}\p{N}!#$%&'*+/=?^_{|}~.-]+$/u;
/** Domain characters: letters, marks and digits of any script (IDNA U-labels), `-`, `.`. */
const DOMAIN_CHARS = /^[\p{L}\p{M}\p{N}.-]+$/u;
const ALNUM = /[\p{L}\p{M}\p{N}]/u;

/**
 * An address as people type it: `local@domain`, trimmed like the backend does. The local part is a
 * dot-atom without quoted strings or comments, and an apostrophe only between two letters or digits
 * (`o'brien`, `d'angelo`): that keeps every real address and refuses a quote that closes a string
 * (`' OR '1'='1' --`, `x'--@x.org`). The domain has at least two labels, none starting or ending with
 * `-`, and a top-level label that is not all digits. Internationalized addresses (`josé@exämple.de`,
 * `用户@例子.广告`) pass; the backend decides whether it accepts them.
 */
function checkEmail(raw: string, max: number): string | null {
  const s = raw.trim();
  if (longerThan(s, max)) return tooLong(max);
  const at = s.indexOf('@');
  if (at <= 0 || at !== s.lastIndexOf('@') || at === s.length - 1) return MESSAGE;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (longerThan(local, LOCAL_MAX) || !LOCAL_CHARS.test(local) || !DOMAIN_CHARS.test(domain)) return MESSAGE;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return MESSAGE;
  for (let q = local.indexOf("'"); q >= 0; q = local.indexOf("'", q + 1))
    if (q === 0 || q === local.length - 1 || !ALNUM.test(local[q - 1]) || !ALNUM.test(local[q + 1])) return MESSAGE;
  const labels = domain.split('.');
  if (labels.length < 2) return MESSAGE;
  for (const l of labels)
    if (l === '' || longerThan(l, LABEL_MAX) || l.startsWith('-') || l.endsWith('-')) return MESSAGE;
  if (/^\d+$/.test(labels[labels.length - 1])) return MESSAGE;
  return null;
}

const MESSAGE = 'must be an email address';

export const email = {
  name: 'email',
  rule: formatRule('email', 'A field declared as an email address holds something else'),
  // An address can hold an apostrophe (o'brien), so SQL inspection is what false-positives on it.
  compensates: ['sqli'],
  defaultMaxLength: 254,
  check: (raw, opts) => checkEmail(raw, opts.maxLength),
} satisfies FieldFormat;
