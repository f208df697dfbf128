import type { Detector, RuleMeta } from '../types.ts';
import { matchAt } from './lib/match.ts';

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

const isAtom = (c: string) => /^[A-Za-z0-9]$/.test(c);

/**
 * The line after a line break is judged as a mail protocol command, the grammar a CRLF injection
 * into an SMTP or IMAP conversation needs: `MAIL FROM:` / `RCPT TO:` with their colon, an argument
 * verb followed by a space, a bare verb alone on its line, or an IMAP `tag VERB` whose tag carries a
 * letter and a digit (A1, a002) or whose verb is written in capitals. A prose line ("Data shows…", "I select…")
 * has none of these shapes. Linear: each line is read once, at most 40 characters of it.
 */
function judgeLine(line: string): 'WAF_MAIL_002' | 'WAF_MAIL_003' | null {
  const l = line.slice(0, 40).trimEnd();
  const lower = l.toLowerCase();
  if (lower.startsWith('rcpt to:')) return 'WAF_MAIL_002';
  // "Mail from: grandma" can open a line of prose; the command is written in capitals or names a <path>.
  if (lower.startsWith('mail from:') && (l.startsWith('MAIL FROM:') || lower.slice(10).trimStart().startsWith('<')))
    return 'WAF_MAIL_002';
  const sp = l.indexOf(' ');
  const first = (sp < 0 ? lower : lower.slice(0, sp)).replace(/\.$/, '');
  if (sp < 0 && SMTP_BARE.has(first) && l === l.toUpperCase()) return 'WAF_MAIL_002';
  if (sp > 0 && SMTP_ARG.has(first) && l.slice(0, sp) === l.slice(0, sp).toUpperCase() && sp + 1 < l.length)
    return 'WAF_MAIL_002';
  if (sp > 0 && sp <= 20) {
    const tag = l.slice(0, sp);
    let j = sp + 1;
    let e = j;
    while (e < l.length && /[A-Za-z]/.test(l[e])) e++;
    const verb = l.slice(j, e);
    if ((e === l.length || l[e] === ' ') && IMAP.has(verb.toLowerCase()) && [...tag].every(isAtom)) {
      // A numbered list ("1. Login to the portal", "2 Select a school") is not a tag: a digit counts
      // only beside a letter (A1, a002); otherwise the verb must be in capitals behind a short tag.
      const digitTag = /\d/.test(tag) && /[A-Za-z]/.test(tag);
      const capital = verb === verb.toUpperCase() && tag.length <= 4;
      if (digitTag || capital) return 'WAF_MAIL_003';
    }
    j = e;
  }
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
      const rule = judgeLine(v.slice(s, Math.min(end < 0 ? v.length : end, s + 40)));
      if (rule) return [matchAt(rule, target, s)];
      nl = end;
    }
    return [];
  },
} satisfies Detector;
