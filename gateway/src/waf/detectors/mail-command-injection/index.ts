import type { Detector, RuleMeta } from '../../types.ts';
import { matchAt } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_MAIL_002',
    family: 'mail',
    severity: 'critical',
    paranoia: 1,
    description: 'SMTP command after a line break (RCPT TO:, MAIL FROM:, DATA, HELO, VRFY … on its own line)',
  },
  {
    id: 'WAF_MAIL_003',
    family: 'mail',
    severity: 'critical',
    paranoia: 1,
    description: 'IMAP tagged command after a line break (A1 LOGOUT, a002 FETCH 1:* …)',
  },
] as const satisfies readonly RuleMeta[];

/** SMTP verbs that take an argument after a space (RFC 5321 §4.1). */
const SMTP_ARG = new Set(['helo', 'ehlo', 'vrfy', 'expn', 'auth', 'bdat', 'etrn']);
/** SMTP verbs that stand alone on their line. */
const SMTP_BARE = new Set(['data', 'quit', 'rset', 'noop', 'starttls', 'turn']);
/** IMAP4rev1/rev2 commands (RFC 9051 §6). */
const IMAP = new Set([
  'login',
  'logout',
  'select',
  'examine',
  'fetch',
  'uid',
  'search',
  'store',
  'copy',
  'move',
  'list',
  'lsub',
  'capability',
  'delete',
  'rename',
  'create',
  'append',
  'expunge',
  'status',
  'subscribe',
  'unsubscribe',
  'noop',
  'authenticate',
  'starttls',
  'close',
  'check',
  'idle',
  'enable',
  'namespace',
  'unselect',
]);

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * The line after a line break is judged as a mail protocol command, the grammar a CRLF injection
 * into an SMTP or IMAP conversation needs: `MAIL FROM:` / `RCPT TO:` with their colon, an argument
 * verb followed by a space, a bare verb alone on its line, or an IMAP `tag VERB` whose tag carries a
 * letter and a digit (A1, a002) or whose verb is written in capitals. A prose line ("Data shows…",
 * "I select…", "1. Login…") has none of these shapes. Work per line is bounded (first 40 characters),
 * and a line whose first word is not 1-20 letters or digits is dismissed after a few comparisons.
 */
function judgeLine(v: string, s: number, end: number): 'WAF_MAIL_002' | 'WAF_MAIL_003' | null {
  const lim = Math.min(end, s + 40);
  let sp = s;
  let letters = 0;
  let digits = 0;
  while (sp < lim && sp - s <= 20) {
    const c = v.charCodeAt(sp);
    if (isLetter(c)) letters++;
    else if (isDigit(c)) digits++;
    else break;
    sp++;
  }
  if (sp === s || sp - s > 20) return null;
  const first = v.slice(s, sp);
  const upper = first === first.toUpperCase();
  const lower = first.toLowerCase();
  const stop = v[sp];
  if (stop === undefined || sp === end || stop === ' ' || stop === '\t') {
    // Bare verb alone on its line (trailing spaces allowed), in capitals.
    if (upper && SMTP_BARE.has(lower) && v.slice(sp, lim).trim() === '') return 'WAF_MAIL_002';
  }
  if (stop !== ' ') return null;
  const rest = v.slice(sp + 1, lim);
  if (lower === 'rcpt' && rest.toLowerCase().startsWith('to:')) return 'WAF_MAIL_002';
  // "Mail from: grandma" can open a line of prose; the command is written in capitals or names a <path>.
  if (
    lower === 'mail' &&
    rest.toLowerCase().startsWith('from:') &&
    (upper || rest.slice(5).trimStart().startsWith('<'))
  )
    return 'WAF_MAIL_002';
  if (upper && letters > 0 && digits === 0 && SMTP_ARG.has(lower) && rest.trim() !== '') return 'WAF_MAIL_002';
  // IMAP: tag, space, verb, then a space or the end of the line.
  let e = 0;
  while (e < rest.length && isLetter(rest.charCodeAt(e))) e++;
  if (e === 0 || (e < rest.length && rest[e] !== ' ')) return null;
  const verb = rest.slice(0, e);
  if (!IMAP.has(verb.toLowerCase())) return null;
  // A numbered list ("1. Login to the portal", "2 Select a school") is not a tag: a digit counts
  // only beside a letter (A1, a002); otherwise the verb must be in capitals behind a short tag.
  if (letters > 0 && digits > 0) return 'WAF_MAIL_003';
  if (verb === verb.toUpperCase() && sp - s <= 4) return 'WAF_MAIL_003';
  return null;
}

/**
 * A cursor over the CR and LF positions of `v`: each kind is searched again only once the cursor
 * has passed its last hit, so a value with many LFs and no CR is scanned for CR once (linear).
 */
function breaks(v: string): (from: number) => number {
  let lf = -2;
  let cr = -2;
  return (from) => {
    if (lf !== -1 && lf < from) lf = v.indexOf('\n', from);
    if (cr !== -1 && cr < from) cr = v.indexOf('\r', from);
    return lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
  };
}

export const mailCommandInjection = {
  name: 'mail-command-injection',
  rules: RULES,
  detect(target) {
    const v = target.value;
    const nextBreak = breaks(v);
    let nl = nextBreak(0);
    while (nl >= 0) {
      let s = nl;
      while (v[s] === '\r' || v[s] === '\n') s++;
      const end = nextBreak(s);
      const rule = judgeLine(v, s, end < 0 ? v.length : end);
      if (rule) return [matchAt(rule, target, s)];
      nl = end;
    }
    return [];
  },
} satisfies Detector;
