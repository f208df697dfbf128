/*
 * Needs (pre-check): SESSION_002/003 a parameter or JSON key named like a framework session cookie
 * (SESSION_NAMES); SESSION_001 the word `cookie` (any case) in a value of 8+ characters.
 */
import type { DetectContext, Detector, Match, RuleMeta, Target, ValueViews } from '../../types.ts';
import { matchAt } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_SESSION_001',
    family: 'session-fixation',
    severity: 'critical',
    paranoia: 1,
    description:
      'Cookie-setting payload in a parameter (document.cookie=, .cookie;expires=, <meta http-equiv=set-cookie>)',
  },
  {
    id: 'WAF_SESSION_002',
    family: 'session-fixation',
    severity: 'critical',
    paranoia: 1,
    description: 'Session id passed as a parameter from an off-site Referer (session fixation)',
  },
  {
    id: 'WAF_SESSION_003',
    family: 'session-fixation',
    severity: 'warning',
    paranoia: 1,
    description: 'Session id passed as a request parameter (no Referer)',
  },
] as const satisfies readonly RuleMeta[];

/** Session cookie names of common frameworks; receiving one as a parameter is a fixation attempt. */
const SESSION_NAMES = new Set([
  'phpsessid',
  'jsessionid',
  'aspsessionid',
  'asp.net_sessionid',
  'sessionid',
  'session_id',
  '_session_id',
  'sid',
  'connect.sid',
  'sails.sid',
  'koa.sess',
  'koa:sess',
  'express.sid',
  'meteor_login_token',
  'zend_session_id',
  'cfid',
  'cftoken',
  'cfsid',
  'jservsession',
  'shiny-token',
  'next-auth.session-token',
  '__host-next-auth.session-token',
  '__secure-next-auth.session-token',
  'laravel_session',
  'ci_session',
  'symfony',
  'rack.session',
  '_rails_session',
  'phpsession',
  'session',
  'sessid',
  'sess_id',
  'session-token',
  'wp_sessionid',
  'ss-id',
  'appsession',
  'vgnvisitor',
  // Flask, Play, CakePHP, WebLogic, JBoss SSO, Beaker, cookie-session (Express), SAP and generic spellings.
  '_flask_session',
  'flask_session',
  'play_session',
  'cakephp',
  'weblogicsession',
  'jwsession',
  'session-id',
  'jsessionidsso',
  'beaker.session.id',
  'express:sess',
  'express.sess',
  'sap-contextid',
  'mysapsso2',
]);
const PARAM_KINDS = new Set(['query_name', 'form_name', 'json_key']);

function hostOf(url: string): string | null {
  const k = url.indexOf('://');
  if (k < 0) return null;
  let e = k + 3;
  while (e < url.length && !'/?#:'.includes(url[e])) e++;
  return url.slice(k + 3, e).toLowerCase();
}

/** A parameter name as SESSION_NAMES spells it (`lower` is the name lower-cased). */
function keyName(lower: string): string {
  return lower.startsWith('aspsessionid') ? 'aspsessionid' : lower;
}

/** Session fixation: session ids arriving as parameters, and cookie-setting payloads. */
export const sessionFixation = {
  name: 'session-fixation',
  rules: RULES,
  detect(target: Target, views: ValueViews, ctx: DetectContext) {
    const found: Match[] = [];
    if (PARAM_KINDS.has(target.kind) && SESSION_NAMES.has(keyName(views.lower))) {
      const ref = ctx.request.headers.get('referer');
      const refHost = ref ? hostOf(ref) : null;
      const host = (ctx.request.host ?? '').toLowerCase().split(':')[0];
      if (refHost && refHost !== host) found.push(matchAt('WAF_SESSION_002', target, 0));
      else if (!ref) found.push(matchAt('WAF_SESSION_003', target, 0));
      return found;
    }
    const v = target.value;
    // `kie` first: its rare `k` makes the search for it several times cheaper on prose.
    if (v.length < 8 || !views.lower.includes('kie') || !views.lower.includes('cookie')) return found;
    const c = views.compact;
    const k = c.indexOf('.cookie');
    if (
      (k >= 0 &&
        (c.indexOf('expires=', k) > 0 ||
          c.indexOf('domain=', k) > 0 ||
          c.indexOf('path=', k) > 0 ||
          c[k + 7] === '=')) ||
      c.indexOf('http-equiv=set-cookie') >= 0 ||
      c.indexOf('http-equiv="set-cookie') >= 0 ||
      c.indexOf("http-equiv='set-cookie") >= 0
    ) {
      found.push(matchAt('WAF_SESSION_001', target, Math.max(0, k)));
    }
    return found;
  },
} satisfies Detector;
