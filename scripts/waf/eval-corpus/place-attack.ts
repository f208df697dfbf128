import type { Placement } from './attack-payloads.ts';
import type { EvalRequest } from './request.ts';
import { BROWSER_UA, baseHeaders } from './request.ts';

/** Header values cannot carry CR/LF: an attacker sends them percent-encoded. */
const headerSafe = (s: string) => s.replace(/\r/g, '%0d').replace(/\n/g, '%0a');
const enc = encodeURIComponent;
/** Percent-encodes only what would break the request line (space, #, ?, %, controls, non-ASCII). */
const minimal = (s: string) =>
  s.replace(/[\s#?%\u0000-\u001f\u007f-\uffff]/g, (c) => (c === ' ' ? '%20' : encodeURIComponent(c)));

const isJson = (p: string) => p.startsWith('{');
const bracketForm = (p: string) => p.startsWith('[');

const QUERY_ROUTES = [
  '/api/search?q=',
  '/api/scholarships?field=',
  '/search?q=',
  '/api/scholarships?cursor=',
  '/scholarships?state=',
];
const REDIRECT_PARAMS = ['next', 'return_to', 'redirect', 'redirect_uri', 'continue'];
const PATH_ROUTES = ['/api/scholarships/', '/scholarships/', '/api/credits/purchases/', '/api/provider/scholarships/'];
const COOKIES = ['pref', 'theme', 'last_search', 'lang'];

/** JSON bodies on real routes, with the payload in a realistic field (rotated by index). */
function jsonBody(family: string, p: string, i: number): { path: string; method: string; body: unknown } {
  if (family === 'nosql') {
    const v = isJson(p) ? JSON.parse(p) : bracketForm(p) ? { [p.slice(1, p.indexOf(']'))]: 1 } : p;
    return i % 2
      ? { method: 'POST', path: '/api/auth/login', body: { email: 'student@demo.gatehouse.test', password: v } }
      : { method: 'POST', path: '/api/auth/login', body: { email: v, password: 'whatever' } };
  }
  if (family === 'prototype-pollution')
    return { method: 'PUT', path: '/api/me/profile', body: { level: 'graduate', ...JSON.parse(p) } };
  if (family === 'open-redirect')
    return {
      method: 'POST',
      path: '/api/auth/login',
      body: { email: 'student@demo.gatehouse.test', password: 'demo-student-pass', return_to: p },
    };
  if (family === 'mail' || (family !== 'xss' && i % 4 === 0))
    return { method: 'POST', path: '/api/auth/password-reset', body: { email: p } };
  switch (i % 4) {
    case 1:
      return { method: 'PUT', path: '/api/me/profile', body: { level: 'undergraduate', field_of_study: p, gpa: 3.4 } };
    case 2:
      return {
        method: 'POST',
        path: '/api/provider/scholarships',
        body: { title: 'STEM Futures Award', description: p, amount: 2500, deadline: '2027-03-01' },
      };
    case 3:
      return {
        method: 'POST',
        path: '/api/auth/signup',
        body: { email: 'new@example.org', password: 'correct horse 9', name: p },
      };
    default:
      return { method: 'PATCH', path: '/api/provider/scholarships/42', body: { title: p } };
  }
}

function formBody(family: string, p: string, i: number): { path: string; body: string } {
  if (family === 'nosql' && bracketForm(p))
    return { path: '/login', body: `email=student%40demo.gatehouse.test&password${p}` };
  if (family === 'prototype-pollution') return { path: '/signup', body: `name=Ana&${p}` };
  if (family === 'open-redirect') return { path: '/login', body: `email=a%40b.org&password=pw12345678&next=${enc(p)}` };
  if (family === 'xxe' || family === 'mail' || i % 3 === 0) return { path: '/reset-password', body: `email=${enc(p)}` };
  if (i % 3 === 1) return { path: '/login', body: `email=${enc(p)}&password=secret-pass-1` };
  return { path: '/signup', body: `name=${enc(p)}&email=x%40example.org&password=secret-pass-1` };
}

/** One attack payload placed in one part of a request on the app's real routes. */
export function placeAttack(family: string, p: string, placement: Placement, i: number): EvalRequest | null {
  const h = baseHeaders(i);
  switch (placement) {
    case 'query': {
      if (family === 'open-redirect')
        return { method: 'GET', uri: `/login?${REDIRECT_PARAMS[i % 5]}=${enc(p)}`, headers: h };
      if (family === 'prototype-pollution')
        return isJson(p) ? null : { method: 'GET', uri: `/api/scholarships?${p}`, headers: h };
      if (family === 'nosql' && bracketForm(p))
        return { method: 'GET', uri: `/api/scholarships?min_amount${p}`, headers: h };
      if (family === 'mail') return { method: 'GET', uri: `/api/dev/mailbox?to=${enc(p)}`, headers: h };
      return { method: 'GET', uri: `${QUERY_ROUTES[i % QUERY_ROUTES.length]}${enc(p)}`, headers: h };
    }
    case 'json': {
      if (family === 'prototype-pollution' && !isJson(p)) return null;
      const b = jsonBody(family, p, i);
      return {
        method: b.method,
        uri: b.path,
        headers: { ...h, 'Content-Type': 'application/json' },
        body: JSON.stringify(b.body),
      };
    }
    case 'form': {
      if (family === 'prototype-pollution' && isJson(p)) return null;
      if (family === 'xxe' && i % 2 === 0)
        return {
          method: 'POST',
          uri: '/api/eligibility',
          headers: { ...h, 'Content-Type': 'application/xml' },
          body: p,
        };
      const b = formBody(family, p, i);
      return {
        method: 'POST',
        uri: b.path,
        headers: { ...h, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: b.body,
      };
    }
    case 'path': {
      const seg = i % 2 ? minimal(p) : enc(p);
      return { method: 'GET', uri: `${PATH_ROUTES[i % PATH_ROUTES.length]}${seg}`, headers: h };
    }
    case 'user-agent':
      return {
        method: 'GET',
        uri: i % 2 ? '/api/scholarships' : '/',
        headers: { ...h, 'User-Agent': headerSafe(i % 2 ? p : `${BROWSER_UA[0]} ${p}`) },
      };
    case 'cookie': {
      const v = p.includes(';') || /[\r\n]/.test(p) || i % 2 ? enc(p) : p;
      const jsonCookie = family === 'nosql' && isJson(p) ? `j:${p}` : v;
      return {
        method: 'GET',
        uri: '/api/me',
        headers: { ...h, Cookie: `gh_session=s3ss10n; ${COOKIES[i % 4]}=${jsonCookie}` },
      };
    }
    case 'header': {
      if (family === 'host-header') {
        const c = p.indexOf(': ');
        return {
          method: 'POST',
          uri: '/api/auth/password-reset',
          headers: { ...h, 'Content-Type': 'application/json', [p.slice(0, c)]: p.slice(c + 2) },
          body: '{"email":"student@demo.gatehouse.test"}',
        };
      }
      const name = ['Referer', 'X-Forwarded-For', 'X-Api-Client'][i % 3];
      const value = name === 'Referer' ? `https://gatehouse.example/search?q=${enc(p)}` : headerSafe(p);
      return { method: 'GET', uri: '/api/scholarships', headers: { ...h, [name]: value } };
    }
  }
}
