import type { Detector, Match, RuleMeta } from '../types.ts';
import { hasAny, viewsOf } from '../normalizers/index.ts';
import { matchAt, NeedleSet } from './lib/match.ts';

const RULES = [
  { id: 'WAF_JSI_001', family: 'rce', severity: 'critical', paranoia: 1, description: 'Node.js code injection (require(\'child_process\'), process.mainModule, _$$ND_FUNC$$_, constructor.constructor)' },
  { id: 'WAF_JSI_002', family: 'rce', severity: 'critical', paranoia: 1, description: 'Server-side JavaScript denial of service (while(true), for(;;) loops)' },
] as const satisfies readonly RuleMeta[];

const NODE_MARKERS = [
  'child_process', 'process.mainmodule', 'process.binding(', 'process.kill(', 'process.exit(', 'process.env', 'process[',
  '_$$nd_func$$_', 'xyqktkrfrlvoqyqk', 'constructor.constructor', 'constructor)(', "require('fs')", 'require("fs")',
  "require('os')", 'require("os")', 'require(`', "require('net')", 'require("net")', 'global.process', 'globalthis.process',
  'module.constructor', 'module._load', 'execsync(', 'spawnsync(', '.mainmodule.require', 'this.constructor',
];
const NODE_SET = new NeedleSet(NODE_MARKERS);

/** Loop guards that are always truthy; `while(foo)` in prose is not flagged. */
const TRUTHY = ['true', '1', '!0', '!false', '-1', 'infinity', 'this', '!![]', '!!``', '!nan', 'newdate', "!''", '!""', '!!{}', '{}', '[]', '!+0', '!-0', '!null', '!undefined', '1==1', '!!1'];

function dosLoop(compact: string): number {
  if (compact.indexOf('for(;;)') >= 0) return compact.indexOf('for(;;)');
  let k = compact.indexOf('while(');
  while (k >= 0) {
    const close = compact.indexOf(')', k + 6);
    if (close > 0 && close - k < 24) {
      const cond = compact.slice(k + 6, close);
      if (TRUTHY.includes(cond)) return k;
    }
    k = compact.indexOf('while(', k + 6);
  }
  return -1;
}

/** Server-side JavaScript injection into Node.js back ends. */
export const jsInjection = {
  name: 'js-injection',
  rules: RULES,
  detect(target) {
    const v = target.value;
    if (v.length < 7) return [];
    const views = viewsOf(v);
    if (!hasAny(views.has, '._([') && v.indexOf('XyQk') < 0) return [];
    const found: Match[] = [];
    const c = views.compact;
    let node = -1;
    NODE_SET.scan(c, (k, i) => {
      // `process.env` alone is prose about Node; `process.env.SECRET` / `process.env[…]` reads it.
      if (NODE_MARKERS[i] === 'process.env' && c[k + 11] !== '.' && c[k + 11] !== '[') return false;
      node = k;
      return true;
    });
    if (node >= 0) found.push(matchAt('WAF_JSI_001', target, node));
    if (v.indexOf('XyQkTkRfRlVOQyQk') >= 0 && !found.length) found.push(matchAt('WAF_JSI_001', target, v.indexOf('XyQkTkRfRlVOQyQk')));
    const d = c.indexOf('while(') >= 0 || c.indexOf('for(;;)') >= 0 ? dosLoop(c) : -1;
    if (d >= 0) found.push(matchAt('WAF_JSI_002', target, d));
    return found;
  },
} satisfies Detector;
