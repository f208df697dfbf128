import type { Detector } from '../types.ts';
import { crlfInjection } from './crlf-injection.ts';
import { javaInjection } from './java-injection.ts';
import { jsInjection } from './js-injection.ts';
import { ldapInjection } from './ldap-injection.ts';
import { mailCommandInjection } from './mail-command-injection.ts';
import { mailHeaderInjection } from './mail-header-injection.ts';
import { nosqlInjection } from './nosql-injection.ts';
import { openRedirect } from './open-redirect.ts';
import { osCommandInjection } from './os-command-injection.ts';
import { pathTraversal } from './path-traversal.ts';
import { phpInjection } from './php-injection.ts';
import { prototypePollution } from './prototype-pollution.ts';
import { scannerUserAgent } from './scanner-user-agent.ts';
import { sessionFixation } from './session-fixation.ts';
import { sqlInjection } from './sql-injection.ts';
import { ssiInjection } from './ssi-injection.ts';
import { ssrfRfi } from './ssrf-rfi.ts';
import { templateInjection } from './template-injection.ts';
import { xss } from './xss.ts';
import { xxe } from './xxe.ts';

/** Every detector the engine runs, in order. Rule ids are unique across all of them (a test checks). */
export const DETECTORS: readonly Detector[] = [
  sqlInjection,
  xss,
  osCommandInjection,
  pathTraversal,
  ssrfRfi,
  phpInjection,
  javaInjection,
  jsInjection,
  templateInjection,
  nosqlInjection,
  prototypePollution,
  crlfInjection,
  ldapInjection,
  xxe,
  mailHeaderInjection,
  mailCommandInjection,
  ssiInjection,
  openRedirect,
  scannerUserAgent,
  sessionFixation,
];
