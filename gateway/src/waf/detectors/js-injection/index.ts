import type { Detector, Match, RuleMeta } from '../../types.ts';
import { hasAny, TIGHT_DOT } from '../../views.ts';
import { matchAt, NeedleSet } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_JSI_001',
    family: 'rce',
    severity: 'critical',
    paranoia: 1,
    description:
      "Node.js code injection (require('child_process'), process.mainModule, _$$ND_FUNC$$_, constructor.constructor)",
  },
  {
    id: 'WAF_JSI_002',
    family: 'rce',
    severity: 'critical',
    paranoia: 1,
    description:
      'Server-side JavaScript denial of service (for(;;), while over a constant guard: true, !0, -Infinity, String)',
  },
] as const satisfies readonly RuleMeta[];

const NODE_MARKERS = [
  'child_process',
  'process.mainmodule',
  'process.binding(',
  'process.kill(',
  'process.exit(',
  'process.env',
  'process[',
  '_$$nd_func$$_',
  'xyqktkrfrlvoqyqk',
  'constructor.constructor',
  'constructor)(',
  "require('fs')",
  'require("fs")',
  "require('os')",
  'require("os")',
  'require(`',
  "require('net')",
  'require("net")',
  'global.process',
  'globalthis.process',
  'module.constructor',
  'module._load',
  'execsync(',
  'spawnsync(',
  '.mainmodule.require',
  'this.constructor',
  'module.exports=',
  'require.main',
  'require[',
  '.spawn(',
  '__js_function',
  ':constructor:constructor',
  ':module:prototype',
];
const NODE_SET = new NeedleSet(NODE_MARKERS);

/** Loop guards that are always truthy; `while(foo)` in prose is not flagged. */
const TRUTHY = [
  'true',
  '1',
  '!0',
  '!false',
  '-1',
  'infinity',
  'this',
  '!![]',
  '!!``',
  '!nan',
  'newdate',
  "!''",
  '!""',
  '!!{}',
  '{}',
  '[]',
  '!+0',
  '!-0',
  '!null',
  '!undefined',
  '1==1',
  '!!1',
];

/** Words that are constant (truthy or falsy) in a loop guard: no variable can change them. */
const CONSTANT_WORDS = new Set([
  'true',
  'false',
  'infinity',
  'nan',
  'null',
  'undefined',
  'this',
  'string',
  'number',
  'object',
  'array',
  'boolean',
  'function',
  'date',
  'newdate',
  'math',
  'json',
  'symbol',
]);

/**
 * A loop guard built only from literals, constant names and operators (`true`, `!0`, `-Infinity`,
 * `(true)`, `!!""`, `String`): the loop never ends. `while(foo)` or `while(i<n)` are not constant.
 */
function constantGuard(cond: string): boolean {
  let words = 0;
  for (let i = 0; i < cond.length; ) {
    const c = cond.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      let e = i;
      while (e < cond.length && cond.charCodeAt(e) >= 97 && cond.charCodeAt(e) <= 122) e++;
      if (!CONSTANT_WORDS.has(cond.slice(i, e))) return false;
      words++;
      i = e;
    } else if ('0123456789!+-()[]{}\'"`=.'.includes(cond[i])) i++;
    else return false;
  }
  return cond.length > 0 && (words > 0 || /[0-9'"`[{]/.test(cond));
}

/** Constant guards that are false: the loop body never runs. */
const FALSY = new Set([
  '!true',
  'false',
  '0',
  'null',
  'undefined',
  'nan',
  '!1',
  '""',
  "''",
  '``',
  '-0',
  '+0',
  '!this',
  '!!0',
]);

function dosLoop(compact: string): number {
  if (compact.indexOf('for(;;)') >= 0) return compact.indexOf('for(;;)');
  let k = compact.indexOf('while(');
  while (k >= 0) {
    const close = compact.indexOf(')', k + 6);
    if (close > 0 && close - k < 24) {
      const cond = compact.slice(k + 6, close);
      if (TRUTHY.includes(cond) || (!FALSY.has(cond) && constantGuard(cond))) return k;
    }
    k = compact.indexOf('while(', k + 6);
  }
  return -1;
}

/** Server-side JavaScript injection into Node.js back ends. */
export const jsInjection = {
  name: 'js-injection',
  rules: RULES,
  detect(target, views) {
    const v = target.value;
    if (v.length < 7) return [];
    // Every marker has `_([\`$=:` or a dot inside a name (`process.env`; a sentence's `. ` is not one).
    if (!hasAny(views.has, '_([`$=:') && !views.has[TIGHT_DOT] && v.indexOf('XyQk') < 0) return [];
    const found: Match[] = [];
    const c = views.compact;
    let node = -1;
    NODE_SET.scan(c, (k, i) => {
      // `process.env` alone is prose about Node; `process.env.SECRET` / `process.env[…]` reads it.
      if (NODE_MARKERS[i] === 'process.env' && c[k + 11] !== '.' && c[k + 11] !== '[') return false;
      node = k;
      return true;
    });
    // The value is exactly `process.env`: someone probing for the object, not prose about it.
    if (node < 0 && c === 'process.env') node = 0;
    if (node >= 0) found.push(matchAt('WAF_JSI_001', target, node));
    if (v.indexOf('XyQkTkRfRlVOQyQk') >= 0 && !found.length)
      found.push(matchAt('WAF_JSI_001', target, v.indexOf('XyQkTkRfRlVOQyQk')));
    const d = c.indexOf('while(') >= 0 || c.indexOf('for(;;)') >= 0 ? dosLoop(c) : -1;
    if (d >= 0) found.push(matchAt('WAF_JSI_002', target, d));
    return found;
  },
} satisfies Detector;
