/*
 * Needs (pre-check): one of { } [ < _ . ( $ # ? ' ; SSTI_001 an opener ({{, ${, <%, #{, [[ …),
 * SSTI_002 a gadget name, SSTI_003 `@{[` or `${\`.
 */
import type { Detector, Match, RuleMeta } from '../../types.ts';
import { hasAny, TIGHT_DOT } from '../../views.ts';
import { matchAt, NeedleSet } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_SSTI_001',
    family: 'ssti',
    severity: 'critical',
    paranoia: 1,
    description: 'Template expression probing evaluation ({{7*7}}, ${7*7}, <%= 7*7 %>, #{7*7})',
  },
  {
    id: 'WAF_SSTI_002',
    family: 'ssti',
    severity: 'critical',
    paranoia: 1,
    description:
      'Template engine gadget ({{config}}, __class__.__mro__, ?new(), freemarker Execute, lipsum.__globals__)',
  },
  {
    id: 'WAF_SSTI_003',
    family: 'ssti',
    severity: 'critical',
    paranoia: 1,
    description: "Perl interpolation of code in a string (@{[system 'id']}, ${\\ `id`})",
  },
] as const satisfies readonly RuleMeta[];

/** Expression openers of the common engines (Jinja/Twig/Handlebars, EL/Freemarker/Thymeleaf, ERB/JSP, Ruby/EL, Razor). */
const OPENERS: ReadonlyArray<[string, string]> = [
  ['{{', '}}'],
  ['${', '}'],
  ['<%=', '%>'],
  ['<%', '%>'],
  ['#{', '}'],
  ['*{', '}'],
  ['@{', '}'],
  ['{%', '%}'],
  ['[[', ']]'],
  ['[=', ']'],
];
/** Names that are only interesting to someone walking a template engine's object graph. */
const GADGETS = [
  '__class__',
  '__mro__',
  '__subclasses__',
  '__globals__',
  '__builtins__',
  '__import__',
  '__init__',
  '__getattribute__',
  'config.items()',
  'self._templatereference',
  'lipsum.__',
  'cycler.__',
  'joiner.__',
  'namespace.__',
  'request.application.__',
  'get_flashed_messages.__',
  'url_for.__',
  '.popen(',
  'os.system(',
  'subprocess.',
  'freemarker.template.utility',
  '?new(',
  'execute"?',
  'objectconstructor',
  'jythonruntime',
  '_self.env',
  'registerundefinedfiltercallback',
  'getfilter(',
  "filter('system",
  "['system']",
  '.getruntime()',
  't(java.lang',
  'runtime.exec',
  '#set($',
  '$class.inspect',
  '.forname(',
  '{{config',
  '{{self',
  '{{request',
  '{{settings',
  '{{app',
  '{{range',
  '{{dump',
  '{{_self',
  'constructor.constructor',
  'process.mainmodule',
  '<#assign',
  '<#import',
  '[#assign',
  '${product.getclass',
  '.getclass()',
  '{{this',
  '{{#with',
  '{{lookup',
  'sys.modules',
];

const GADGET_SET = new NeedleSet(GADGETS);

function hasArithmetic(inner: string): boolean {
  // digit(s) operator digit(s), e.g. 7*7, 7 * '7', 1337-1
  let sawDigit = false;
  let sawOpAfterDigit = false;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c >= '0' && c <= '9') {
      if (sawOpAfterDigit) return true;
      sawDigit = true;
    } else if ('*+-/%'.includes(c) && sawDigit) sawOpAfterDigit = true;
    else if (c === ' ' || c === "'" || c === '"') continue;
    else {
      sawDigit = false;
      sawOpAfterDigit = false;
    }
  }
  return false;
}

/** Expression openers in a value; bounded to the first few hundred occurrences. */
function arithmeticProbe(s: string): number {
  for (const [open, close] of OPENERS) {
    let k = s.indexOf(open);
    let n = 0;
    while (k >= 0 && n++ < 256) {
      // Probes are short: look for the closer within 64 characters only (bounded work per opener).
      const rel = s.slice(k + open.length, k + 64).indexOf(close);
      if (rel >= 0 && hasArithmetic(s.slice(k + open.length, k + open.length + rel))) return k;
      k = s.indexOf(open, k + open.length);
    }
  }
  return -1;
}

/**
 * Server-side template injection: an expression opener wrapping arithmetic (the universal probe)
 * or a gadget name used to escape the sandbox. Plain `{{first_name}}` placeholders pass.
 */
export const templateInjection = {
  name: 'template-injection',
  rules: RULES,
  detect(target, views) {
    const v = target.value;
    if (v.length < 5) return [];
    // Every probe and gadget has one of `{}[<_($#?` or a dot inside a name (`os.system`, `sys.modules`).
    if (!hasAny(views.has, '{}[<_($#?') && !views.has[TIGHT_DOT]) return [];
    const s = views.lower;
    const found: Match[] = [];
    if (s.indexOf('{') >= 0 || s.indexOf('<%') >= 0 || s.indexOf('[') >= 0) {
      const k = arithmeticProbe(s);
      if (k >= 0) found.push(matchAt('WAF_SSTI_001', target, k));
    }
    const g = GADGET_SET.find(s);
    if (g >= 0) found.push(matchAt('WAF_SSTI_002', target, g));
    // Perl's `@{[ … ]}` (and `${\ …}`) run code inside a double-quoted string; prose never writes them.
    if (
      views.has[123] &&
      (views.has[64] || views.has[92]) &&
      (views.compact.indexOf('@{[') >= 0 || views.compact.indexOf('${\\') >= 0)
    ) {
      found.push(matchAt('WAF_SSTI_003', target, Math.max(0, s.indexOf('@{'), s.indexOf('${'))));
    }
    return found;
  },
} satisfies Detector;
