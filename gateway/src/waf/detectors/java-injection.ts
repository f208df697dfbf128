import type { Detector, Match, RuleMeta } from '../types.ts';
import { hasAny, viewsOf } from '../normalizers/index.ts';
import { isWordCode, matchAt } from './lib/match.ts';

const RULES = [
  { id: 'WAF_JAVA_001', family: 'java', severity: 'critical', paranoia: 1, description: 'Log4Shell-style lookup (${jndi:…}, nested ${lower:j}ndi, ${env:…}, ${sys:…})' },
  { id: 'WAF_JAVA_002', family: 'java', severity: 'critical', paranoia: 1, description: 'Class-loader / OGNL / SpEL / Runtime exec gadget (class.module.classLoader, #_memberAccess, T(java.lang.Runtime))' },
  { id: 'WAF_JAVA_003', family: 'java', severity: 'critical', paranoia: 1, description: 'Java deserialization gadget class or magic bytes (InvokerTransformer, TemplatesImpl, rO0AB, aced0005)' },
  { id: 'WAF_JAVA_004', family: 'java', severity: 'critical', paranoia: 1, description: 'Value or key that is a fully-qualified class from a sensitive Java package (java.lang.ProcessBuilder, java.io.*)' },
  { id: 'WAF_JAVA_005', family: 'java', severity: 'warning', paranoia: 2, description: 'Fully-qualified sensitive Java class name inside longer text' },
] as const satisfies readonly RuleMeta[];

const LOOKUPS = ['jndi:', 'env:', 'sys:', 'java:', 'ctx:', 'main:', 'base64:', 'date:', 'docker:', 'k8s:', 'spring:', 'web:', 'bundle:', 'log4j:', 'marker:', 'sd:', 'upper:', 'lower:', 'event:', 'map:', 'jvmrunargs:', 'hostname', '::-'];
const GADGETS = [
  'class.module.classloader', 'class.classloader', '.getclass().', 'getclass().forname', '#_memberaccess', '@java.lang.runtime@',
  '#context[', 'ognlcontext', 'ognlutil', '#cmd=', 'new java.lang.processbuilder', 'runtime.getruntime()', 'runtime).getruntime',
  't(java.lang.runtime)', 't(java.lang.', 'java.lang.runtime.getruntime', '.exec(', 'getdeclaredmethod(', 'getmethod(', 'invoke(null',
  'classloader.loadclass', 'urlclassloader', 'scriptenginemanager', 'nashorn', 'javax.script', '#request.', '#response.', '@ognl',
  'xwork.methodaccessor', 'com.opensymphony.xwork2', 'opensymphony.xwork', 'denymethodexecution', 'allowstaticmethodaccess', 'class.protectiondomain', 'tomcat.util',
];
const DESER = [
  'invokertransformer', 'clonetransformer', 'instantiatetransformer', 'chainedtransformer', 'constanttransformer',
  'instantiatefactory', 'forclosure', 'whileclosure', 'prototypeclonefactory', 'prototypeserializationfactory',
  'templatesimpl', 'jdbcrowsetimpl', 'beanfactory', 'annotationinvocationhandler', 'lazymap', 'transformedmap', 'badattributevalueexpexception',
  'rmiconnectionimpl', 'xstream', 'com.sun.rowset', 'org.apache.commons.collections', 'org.codehaus.groovy.runtime', 'mozilla.javascript',
  'bsh.interpreter', 'c3p0', 'spring.beans.factory', 'jndirefforwardingdatasource', 'ro0ab', 'aced0005', '\u00ac\u00ed\u0000\u0005',
  'h4siaaaaaaaaa', 'processbuilder',
];
const SENSITIVE_PACKAGES = ['java.lang.', 'java.io.', 'java.net.', 'java.nio.', 'java.rmi.', 'java.util.', 'java.beans.', 'java.security.', 'javax.', 'com.sun.', 'sun.', 'org.omg.', 'jdk.', 'org.apache.', 'org.springframework.', 'com.fasterxml.', 'ognl.'];

/** `${` followed within a short window by j-n-d-i (with anything between: nested lookups) and `:`. */
function lookup(s: string): number {
  let k = s.indexOf('${');
  let n = 0;
  // Bounded: a real payload shows itself in its first lookups; 1 MB of `${` must not cost 120 × n.
  while (k >= 0 && n++ < 1024) {
    let j = k + 2;
    while (s[j] === ' ') j++;
    for (const l of LOOKUPS) if (s.startsWith(l, j)) return k;
    // Nested obfuscation: ${${lower:j}${::-n}di:…}: look for the letters j,n,d,i in order.
    const win = s.slice(k, k + 120);
    let want = 0;
    const letters = 'jndi';
    for (let i = 0; i < win.length && want < 4; i++) if (win[i] === letters[want]) want++;
    if (want === 4 && win.indexOf('${', 2) > 0) return k;
    k = s.indexOf('${', k + 2);
  }
  return -1;
}

/** A sensitive fully-qualified class name: package prefix then `Name` segments. */
function fqcn(s: string, original: string): { at: number; len: number } | null {
  for (const p of SENSITIVE_PACKAGES) {
    let k = s.indexOf(p);
    while (k >= 0) {
      if (k === 0 || (!isWordCode(s.charCodeAt(k - 1)) && s[k - 1] !== '.')) {
        let e = k + p.length;
        while (e < s.length && (isWordCode(s.charCodeAt(e)) || s[e] === '.' || s[e] === '$')) e++;
        // Java class names are capitalized (java.lang.Runtime); "sun.com" or "java.util.x" prose is not.
        const cls = original.slice(k + p.length, e);
        if (e > k + p.length + 1 && cls !== cls.toLowerCase()) return { at: k, len: e - k };
        k = s.indexOf(p, e); // resume after the name: keeps repeated prefixes linear
        continue;
      }
      k = s.indexOf(p, k + 1);
    }
  }
  return null;
}

/** Java injection families: Log4Shell lookups, OGNL/SpEL/class-loader gadgets, deserialization. */
export const javaInjection = {
  name: 'java-injection',
  rules: RULES,
  detect(target) {
    const v = target.value;
    if (v.length < 4) return [];
    const views = viewsOf(v);
    const has = views.has;
    // Lookups need `$`, gadgets and class names a `.`, `#`, `@` or `(`; magic bytes are base64/hex runs.
    if (!hasAny(has, '$.#@(<"') && !(v.indexOf('rO0AB') >= 0 || v.indexOf('H4sIAAAAAAAA') >= 0 || v.indexOf('aced0005') >= 0)) return [];
    const s = views.lower;
    const found: Match[] = [];
    const add = (id: string, at: number) => found.push(matchAt(id, target, at));
    if (s.indexOf('${') >= 0) {
      const k = lookup(views.compact.indexOf('${') >= 0 ? views.compact : s);
      if (k >= 0) add('WAF_JAVA_001', k);
    }
    for (const g of GADGETS) { const k = s.indexOf(g); if (k >= 0) { add('WAF_JAVA_002', k); break; } }
    for (const d of DESER) { const k = (d === 'ro0ab' || d === 'h4siaaaaaaaaa' ? v.indexOf(d === 'ro0ab' ? 'rO0AB' : 'H4sIAAAAAAAA') : s.indexOf(d)); if (k >= 0) { add('WAF_JAVA_003', k); break; } }
    const c = s.indexOf('.') >= 0 ? fqcn(s, v) : null;
    if (c) {
      const trimmed = s.trim().length;
      const standalone = trimmed <= c.len + 2 || target.kind === 'json_key' || target.kind === 'query_name' || target.kind === 'form_name' || target.kind === 'cookie_name';
      add(standalone ? 'WAF_JAVA_004' : 'WAF_JAVA_005', c.at);
    }
    return found;
  },
} satisfies Detector;
