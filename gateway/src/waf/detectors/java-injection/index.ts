/*
 * Needs (pre-check): one of $ . # @ ( < " — or one of the magic runs rO0AB, ztAA[U-X], s7QAF,
 * H4sIAAAAAAAA, aced0005. WAF_JAVA_004 needs a sensitive package prefix (java., javax.,
 * org.apache. …) filling the whole value, key or a `name=value` slot.
 */
import type { Detector, RuleMeta } from '../../types.ts';
import { hasAny, TIGHT_DOT } from '../../views.ts';
import { Findings, isWordCode, matchAt, NeedleSet } from '../lib/match.ts';

const RULES = [
  {
    id: 'WAF_JAVA_001',
    family: 'java',
    severity: 'critical',
    paranoia: 1,
    description: 'Log4Shell-style lookup (${jndi:…}, nested ${lower:j}ndi, ${env:…}, ${sys:…})',
  },
  {
    id: 'WAF_JAVA_002',
    family: 'java',
    severity: 'critical',
    paranoia: 1,
    description:
      'Class-loader / OGNL / SpEL / Runtime exec gadget (class.module.classLoader, #_memberAccess, T(java.lang.Runtime))',
  },
  {
    id: 'WAF_JAVA_003',
    family: 'java',
    severity: 'critical',
    paranoia: 1,
    description:
      'Java deserialization gadget class or magic bytes (InvokerTransformer, TemplatesImpl, rO0AB / KztAAU / Cs7QAF base64, aced0005)',
  },
  {
    id: 'WAF_JAVA_004',
    family: 'java',
    severity: 'critical',
    paranoia: 1,
    description:
      'Value or key that is a fully-qualified class or package path from a sensitive Java package (java.lang.ProcessBuilder, java.io.*, org.apache.commons)',
  },
  {
    id: 'WAF_JAVA_005',
    family: 'java',
    severity: 'warning',
    paranoia: 2,
    description: 'Fully-qualified sensitive Java class name inside longer text',
  },
] as const satisfies readonly RuleMeta[];

const LOOKUPS = [
  'jndi:',
  'env:',
  'sys:',
  'java:',
  'ctx:',
  'main:',
  'base64:',
  'date:',
  'docker:',
  'k8s:',
  'spring:',
  'web:',
  'bundle:',
  'log4j:',
  'marker:',
  'sd:',
  'upper:',
  'lower:',
  'event:',
  'map:',
  'jvmrunargs:',
  'hostname',
  '::-',
];
const GADGETS = [
  'class.module.classloader',
  'class.classloader',
  '.getclass().',
  'getclass().forname',
  '#_memberaccess',
  '@java.lang.runtime@',
  '#context[',
  'ognlcontext',
  'ognlutil',
  '#cmd=',
  'new java.lang.processbuilder',
  'runtime.getruntime()',
  'runtime).getruntime',
  't(java.lang.runtime)',
  't(java.lang.',
  'java.lang.runtime.getruntime',
  '.exec(',
  'getdeclaredmethod(',
  'getmethod(',
  'invoke(null',
  'classloader.loadclass',
  'urlclassloader',
  'scriptenginemanager',
  'nashorn',
  'javax.script',
  '#request.',
  '#response.',
  '@ognl',
  'xwork.methodaccessor',
  'com.opensymphony.xwork2',
  'opensymphony.xwork',
  'denymethodexecution',
  'allowstaticmethodaccess',
  'class.protectiondomain',
  'tomcat.util',
];
const DESER = [
  'invokertransformer',
  'clonetransformer',
  'instantiatetransformer',
  'chainedtransformer',
  'constanttransformer',
  'instantiatefactory',
  'forclosure',
  'whileclosure',
  'prototypeclonefactory',
  'prototypeserializationfactory',
  'templatesimpl',
  'jdbcrowsetimpl',
  'beanfactory',
  'annotationinvocationhandler',
  'lazymap',
  'transformedmap',
  'badattributevalueexpexception',
  'rmiconnectionimpl',
  'xstream',
  'com.sun.rowset',
  'org.apache.commons.collections',
  'org.codehaus.groovy.runtime',
  'mozilla.javascript',
  'bsh.interpreter',
  'c3p0',
  'spring.beans.factory',
  'jndirefforwardingdatasource',
  'ro0ab',
  'aced0005',
  '\u00ac\u00ed\u0000\u0005',
  'h4siaaaaaaaaa',
  'processbuilder',
];
const SENSITIVE_PACKAGES = [
  'java.',
  'java.lang.',
  'java.io.',
  'java.net.',
  'java.nio.',
  'java.rmi.',
  'java.util.',
  'java.beans.',
  'java.security.',
  'javax.',
  'com.sun.',
  'sun.',
  'org.omg.',
  'jdk.',
  'org.apache.',
  'org.springframework.',
  'com.fasterxml.',
  'ognl.',
];

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

/** Gadgets, deserialization classes and package prefixes, found in one pass over the value. */
const DESER_TEXT = DESER.filter((d) => d !== 'ro0ab' && d !== 'h4siaaaaaaaaa');
const ALL = new NeedleSet([...GADGETS, ...DESER_TEXT, ...SENSITIVE_PACKAGES]);
const DESER_FROM = GADGETS.length;
const PACKAGE_FROM = DESER_FROM + DESER_TEXT.length;

interface Hits {
  gadget: number;
  deser: number;
  cls: { at: number; len: number } | null;
  pkg: { at: number; len: number } | null;
}

/**
 * One scan: first gadget, first deserialization name, and the first sensitive fully-qualified
 * class name (package prefix then a capitalised `Name`; "sun.com" or "java.util.x" prose is not).
 */
function scanAll(s: string, original: string): Hits {
  const hits: Hits = { gadget: -1, deser: -1, cls: null, pkg: null };
  let skipUntil = 0; // a dotted name is read once, however many prefixes it contains: linear
  let lastStart = -1;
  ALL.scan(s, (k, index) => {
    if (index < DESER_FROM) {
      if (hits.gadget < 0) hits.gadget = k;
    } else if (index < PACKAGE_FROM) {
      if (hits.deser < 0) hits.deser = k;
    } else if (
      !hits.cls &&
      (k >= skipUntil || k === lastStart) &&
      (k === 0 || (!isWordCode(s.charCodeAt(k - 1)) && s[k - 1] !== '.'))
    ) {
      const p = ALL.needles[index];
      lastStart = k; // `java.` and `java.lang.` start at the same place: both are read
      let e = k + p.length;
      while (e < s.length && (isWordCode(s.charCodeAt(e)) || s[e] === '.' || s[e] === '$')) e++;
      skipUntil = e;
      const cls = original.slice(k + p.length, e);
      // Bare `java.` + class (`java.Runtime`) is not a real package: it only counts standalone, like a package path.
      if (e > k + p.length + 1 && cls !== cls.toLowerCase() && p !== 'java.') hits.cls = { at: k, len: e - k };
      // A lower-case package path (`java.lang.reflect`, `org.apache.commons`) only counts standalone.
      else if (e > k + p.length + 1 && !hits.pkg && !/\.(com|org|net|edu|io|gov|info)$/.test(s.slice(k, e)))
        hits.pkg = { at: k, len: e - k };
    }
    return hits.gadget >= 0 && hits.deser >= 0 && hits.cls !== null;
  });
  return hits;
}

/**
 * The name fills a whole `name=value` slot of a raw body or encoded list (`test=java.io.File`,
 * `java.lang.Runtime=x&…`): starts the value or follows `&`, or `=` after a bare parameter name,
 * and ends at the value's end, `&` or `=`. Prose puts words around it.
 */
function fillsSlot(s: string, at: number, len: number): boolean {
  const e = at + len;
  if (!(e >= s.length || s[e] === '&' || s[e] === '=')) return false;
  if (at === 0 || s[at - 1] === '&') return true;
  if (s[at - 1] !== '=') return false;
  let b = at - 2;
  while (b >= 0 && (isWordCode(s.charCodeAt(b)) || s[b] === '-' || s[b] === '.' || s[b] === '[' || s[b] === ']')) b--;
  return b < at - 2 && (b < 0 || s[b] === '&');
}

/**
 * The Java serialization header `AC ED 00 05` in base64 at each byte alignment a blob can put it in:
 * `rO0AB` (offset 0), `ztAA[U-X]` (offset 1, as in `KztAAU`), `s7QAF` (offset 2, as in `Cs7QAF`).
 * The characters that also carry neighbouring bytes are left out, so any prefix or payload matches.
 */
function serializedBase64(v: string, has: Uint8Array): number {
  let k = has[48] ? v.indexOf('rO0AB') : -1;
  if (k < 0 && has[55]) k = v.indexOf('s7QAF');
  if (k < 0 && has[122]) {
    for (k = v.indexOf('ztAA'); k >= 0; k = v.indexOf('ztAA', k + 4)) {
      const c = v[k + 4];
      if (c === 'U' || c === 'V' || c === 'W' || c === 'X') return k;
    }
  }
  return k;
}

/** A serialized-object or gzip magic run: base64 headers, gzip's `H4sIAAAAAAAA`, hex `aced0005`. */
function magicRun(v: string, has: Uint8Array): number {
  let k = serializedBase64(v, has);
  if (k < 0 && has[52]) k = v.indexOf('H4sIAAAAAAAA');
  if (k < 0 && has[48]) k = v.indexOf('aced0005');
  return k;
}

/** Java injection families: Log4Shell lookups, OGNL/SpEL/class-loader gadgets, deserialization. */
export const javaInjection = {
  name: 'java-injection',
  rules: RULES,
  detect(target, views) {
    const v = target.value;
    if (v.length < 4) return [];
    const has = views.has;
    // Lookups need `$`, gadgets and class names a dot inside a name (`java.lang`; a sentence's
    // `. ` is not one), `#`, `@` or `(`. Without any of those only a magic run can match: search
    // for the runs alone (native searches, each behind the digit it contains) and stop.
    if (!hasAny(has, '$#@(<"') && !has[TIGHT_DOT]) {
      const m = magicRun(v, has);
      return m >= 0 ? [matchAt('WAF_JAVA_003', target, m)] : [];
    }
    const s = views.lower;
    const found = new Findings(target);
    if (s.indexOf('${') >= 0) {
      const k = lookup(views.compact.indexOf('${') >= 0 ? views.compact : s);
      if (k >= 0) found.add('WAF_JAVA_001', k);
    }
    const hits = scanAll(s, v);
    if (hits.gadget >= 0) found.add('WAF_JAVA_002', hits.gadget);
    let d = hits.deser;
    if (d < 0) d = magicRun(v, has);
    if (d >= 0) found.add('WAF_JAVA_003', d);
    const c = hits.cls;
    const keyKind =
      target.kind === 'json_key' ||
      target.kind === 'query_name' ||
      target.kind === 'form_name' ||
      target.kind === 'cookie_name';
    const trimmed = s.trim().length;
    if (c) {
      const standalone = trimmed <= c.len + 2 || keyKind || fillsSlot(s, c.at, c.len);
      found.add(standalone ? 'WAF_JAVA_004' : 'WAF_JAVA_005', c.at);
    } else if (
      hits.pkg &&
      (trimmed <= hits.pkg.len + 2 || keyKind || fillsSlot(s, hits.pkg.at, hits.pkg.len)) &&
      hits.pkg.len >= 12
    )
      found.add('WAF_JAVA_004', hits.pkg.at);
    return found.list();
  },
} satisfies Detector;
