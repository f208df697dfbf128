import { SITE_CSS } from './site-style.ts';
import type { Problem } from './errors.ts';

/** What an error page tells a person: a heading, plain sentences, and where to go next. */
export interface ErrorAdvice {
  heading: string;
  lines: string[];
  links: { href: string; label: string }[];
}

/**
 * "30 seconds", "2 minutes", "about 1 hour": how long Retry-After asks us to wait, in words.
 * @internal exported for its tests
 */
export function waitInWords(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 90) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  if (m < 90) return `${m} minutes`;
  const h = Math.round(m / 60);
  return `about ${h} hour${h === 1 ? '' : 's'}`;
}

/** Retry-After as seconds (delta-seconds or an HTTP date, RFC 9110 §10.2.3); undefined if absent or bad. */
export function retryAfterSeconds(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.round((at - now) / 1000));
}

const HOME = { href: '/', label: 'Go to the home page' };
const BROWSE = { href: '/scholarships', label: 'Browse scholarships' };
const CONTACT = { href: '/contact', label: 'Contact support' };
const quote = (p: Problem) => `If you contact us, quote request id ${p.request_id}: it lets us find what happened.`;

/**
 * The advice for a problem, shared by the gateway's pages (403/429 without a backend round trip) and
 * the backend's (rendered in the site layout), so both say the same thing.
 */
export function errorAdvice(p: Problem, retryAfter?: number): ErrorAdvice {
  if (p.status === 429) {
    const wait = retryAfter === undefined ? 'a minute' : waitInWords(retryAfter);
    return {
      heading: 'Too many requests: please wait a moment',
      lines: [
        `You (or your network) sent more requests than we allow in a short time. Please wait ${wait}, then try again.`,
        'Reloading sooner starts the wait over. Nothing you typed was lost on our side: nothing was saved.',
      ],
      links: [HOME, CONTACT],
    };
  }
  if (p.code === 'WAF_BLOCKED' || (p.status === 403 && p.code.startsWith('WAF_'))) {
    return {
      heading: 'Your request was blocked for safety',
      lines: [
        'Our security filter stopped this request because part of it looked like an attack, for example code, ' +
          'HTML tags or database commands in a form field or the address. Nothing was saved.',
        'What to do: go back, rephrase or remove the unusual text (such as <script> or quotes around SQL words), ' +
          'and send it again. If you believe this is a mistake, contact support.',
        quote(p),
      ],
      links: [HOME, CONTACT],
    };
  }
  if (p.code === 'CSRF_REJECTED') {
    return {
      heading: 'This form could not be sent',
      lines: ['The form did not come from this site, or the page was open too long. Reload the page and try again.'],
      links: [HOME],
    };
  }
  if (p.status === 404) {
    return {
      heading: 'Page not found',
      lines: ['There is no page at this address. It may have moved, or the link may be mistyped.'],
      links: [HOME, BROWSE, { href: '/search', label: 'Search scholarships' }],
    };
  }
  if (p.status === 401) {
    return {
      heading: 'Please log in',
      lines: ['This page needs you to be logged in.'],
      links: [{ href: '/login', label: 'Log in' }],
    };
  }
  if (p.status >= 500) {
    return {
      heading: 'Something went wrong on our side',
      lines: ['We could not finish this request. Please try again in a minute.', quote(p)],
      links: [HOME, CONTACT],
    };
  }
  return {
    heading: p.title,
    lines: [p.detail ?? 'The request could not be completed.', quote(p)],
    links: [HOME, CONTACT],
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * A complete error page in the site's look (header, CSS, footer) as a string: for the gateway, which
 * answers 403 and 429 itself and cannot know who is logged in. Never echoes request input.
 */
export function errorPageHtml(p: Problem, retryAfter?: number): string {
  const a = errorAdvice(p, retryAfter);
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${esc(a.heading)} · Gatehouse Scholarships</title><meta name="robots" content="noindex">` +
    `<link rel="icon" href="/favicon.svg" type="image/svg+xml"><style>${SITE_CSS}</style></head><body>` +
    `<header><nav aria-label="Main"><a href="/"><strong>Gatehouse Scholarships</strong></a>` +
    `<a href="/scholarships">Browse</a><a href="/search">Search</a><a href="/login">Log in</a></nav></header>` +
    `<main id="main"><h1>${esc(a.heading)}</h1>${a.lines.map((l) => `<p>${esc(l)}</p>`).join('')}` +
    `<ul>${a.links.map((l) => `<li><a href="${esc(l.href)}">${esc(l.label)}</a></li>`).join('')}</ul>` +
    `<p class="muted"><small>Error ${p.status} · code <code>${esc(p.code)}</code> · request id ` +
    `<code>${esc(p.request_id)}</code></small></p></main>` +
    `<footer>Gatehouse · <a href="/privacy">Privacy</a> · <a href="/terms">Terms</a> · ` +
    `<a href="/contact">Contact</a></footer></body></html>`
  );
}
