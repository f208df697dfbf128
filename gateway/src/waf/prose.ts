import type { WafProse } from '../config/schema/waf-prose.ts';
import type { Family, RuleMeta, Target } from './types.ts';
import { jsonPathSegments, matchJsonPath, matchSegments, routeSegments } from './glob.ts';
import { scanTags } from './detectors/lib/html-scan.ts';
import { CALL_SINKS, EVENT_HANDLERS, PROPERTY_SINKS, SCRIPT_SCHEMES } from './detectors/lib/js-sinks.ts';

/**
 * Prose fields (waf.yaml `prose`): essays, answers, messages and descriptions where people write
 * about code. There a match of a judged family counts only when the construct would execute or
 * break out; a mere mention is held for moderation (one notice, below every threshold) instead.
 */
export const PROSE_RULES = [
  {
    id: 'WAF_PROSE_001',
    family: 'protocol',
    severity: 'notice',
    paranoia: 1,
    description: 'Code-like text in a prose field that would not execute: held for moderation, not blocked',
  },
] as const satisfies readonly RuleMeta[];

export interface CompiledProse {
  id: string;
  routes: readonly (readonly string[])[];
  methods: ReadonlySet<string> | null;
  fields: readonly ((t: Target) => boolean)[];
}

export function compileProse(list: readonly WafProse[]): CompiledProse[] {
  return list.map((p) => ({
    id: p.id,
    routes: p.routes.map(routeSegments),
    methods: p.methods ? new Set(p.methods) : null,
    fields: p.fields.map((f) => {
      if ('form' in f) return (t: Target) => (t.kind === 'form' || t.kind === 'multipart') && t.name === f.form;
      const pattern = jsonPathSegments(f.json);
      if (!pattern) throw new Error(`prose ${p.id}: invalid JSON path ${f.json}`);
      return (t: Target) => t.kind === 'json' && t.segments !== undefined && matchJsonPath(pattern, t.segments);
    }),
  }));
}

/** Prose entries for this route and method (once per request). */
export function proseFor(list: readonly CompiledProse[], segments: readonly string[], method: string): CompiledProse[] {
  return list.filter((p) => (!p.methods || p.methods.has(method)) && p.routes.some((r) => matchSegments(r, segments)));
}

/** The prose entry a target belongs to, or null. */
export function proseOf(active: readonly CompiledProse[], t: Target): string | null {
  for (const p of active) if (p.fields.some((f) => f(t))) return p.id;
  return null;
}

/**
 * A value is prose when it reads like sentences: at least 8 words and 60 characters. A title-length
 * value in a prose field (`' OR 1=1 --`) is judged like any other field.
 * @internal exported for its tests
 */
export function proseShaped(v: string): boolean {
  if (v.length < 60) return false;
  let words = 0;
  for (let i = v.indexOf(' '); i >= 0 && words < 8; i = v.indexOf(' ', i + 1)) if (v[i + 1] !== ' ') words++;
  return words >= 7;
}

/** Families judged on execution in prose; every other family (Log4Shell, SSTI, SSI, XXE …) counts as is. */
const JUDGED = new Set<Family>(['sqli', 'xss', 'rce', 'ssrf', 'lfi', 'rfi']);
/** SQL that runs wherever it lands: a second statement after `;`, time delays, executable comments. */
const SQL_EXECUTES = new Set(['WAF_SQLI_003', 'WAF_SQLI_004', 'WAF_SQLI_009', 'WAF_SQLI_013', 'WAF_SQLI_014']);
/** Public script CDNs code samples load libraries from; an attacker's payload is not hosted there. */
const SAMPLE_CDNS = ['unpkg.com', 'cdn.jsdelivr.net', 'cdnjs.cloudflare.com', 'ajax.googleapis.com', 'code.jquery.com'];

/** Elements that load and run another document or plugin. */
const ACTIVE_EMBEDS = new Set(['iframe', 'frame', 'embed', 'object', 'applet']);

const hasSink = (s: string) =>
  CALL_SINKS.some((c) => s.includes(`${c}(`) || s.includes(`${c}\``)) ||
  PROPERTY_SINKS.some((p) => s.includes(p)) ||
  s.includes('xmlhttprequest') ||
  s.includes('new image');

/** `src` that loads script from another site (absolute or protocol-relative), not a public CDN. */
function offSiteScript(src: string): boolean {
  const m = /^\s*(?:https?:)?\/\/([^/\s?#]{1,253})/.exec(src.slice(0, 300));
  return m !== null && !SAMPLE_CDNS.some((c) => m[1] === c || m[1].endsWith(`.${c}`));
}

/**
 * Would this HTML run script if rendered? An event handler whose code reaches a JS sink, a script
 * element that loads from another site or touches a sink (cookies, fetch, alert …), a script URI in
 * a navigating attribute, a document-swapping attribute (srcdoc, meta refresh), an iframe/embed/
 * object from another site, or a `<base href>`. A story about a
 * `<script>` tag or a `<div>` sample is not.
 * @internal exported for its tests
 */
export function htmlExecutes(value: string): boolean {
  const s = value.toLowerCase();
  let runs = false;
  scanTags(s, (tag) => {
    for (const a of tag.attrs) {
      if (EVENT_HANDLERS.has(a.name) && hasSink(a.value.replace(/\s+/g, ''))) runs = true;
      else if (
        ['href', 'src', 'action', 'formaction', 'data', 'xlink:href'].includes(a.name) &&
        SCRIPT_SCHEMES.some((x) => a.value.replace(/[\s\u0000-\u001f]+/g, '').startsWith(x))
      )
        runs = true;
      else if (a.name === 'srcdoc') runs = true;
      else if (tag.name === 'script' && a.name === 'src' && offSiteScript(a.value)) runs = true;
      // Active content from another site, or a base URL that re-points every relative script.
      else if (ACTIVE_EMBEDS.has(tag.name) && (a.name === 'src' || a.name === 'data') && offSiteScript(a.value))
        runs = true;
      else if (tag.name === 'base' && a.name === 'href') runs = true;
      else if (tag.name === 'meta' && a.name === 'http-equiv' && a.value.trim() === 'refresh') runs = true;
    }
    if (!runs && tag.name === 'script' && !s.startsWith('</', tag.pos)) {
      const gt = s.indexOf('>', tag.pos);
      const end = s.indexOf('</script', gt);
      if (gt >= 0 && end > gt && hasSink(s.slice(gt + 1, end).replace(/\s+/g, ''))) runs = true;
    }
    return runs;
  });
  return runs;
}

/** A shell injection lands in command position: the value opens with a separator or substitution. */
function shellCommandPosition(value: string): boolean {
  const t = value.trimStart();
  return /^(?:;|\||&|`|\$\(|\n)/.test(t.slice(0, 2));
}

/** In prose, does this match stand (the construct would execute or break out) or is it a mention? */
export function proseMatchStands(rule: RuleMeta, value: string, memo: Map<string, boolean>): boolean {
  if (!JUDGED.has(rule.family)) return true;
  if (!proseShaped(value)) return true;
  switch (rule.family) {
    case 'sqli':
      return SQL_EXECUTES.has(rule.id);
    case 'xss': {
      let r = memo.get('xss');
      if (r === undefined) memo.set('xss', (r = htmlExecutes(value)));
      return r;
    }
    case 'rce':
      return shellCommandPosition(value);
    default:
      return false;
  }
}
