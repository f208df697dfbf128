import type { Detector } from '../types.ts';
import { crlfInjection } from './crlf-injection/index.ts';
import { javaInjection } from './java-injection/index.ts';
import { jsInjection } from './js-injection/index.ts';
import { ldapInjection } from './ldap-injection/index.ts';
import { mailCommandInjection } from './mail-command-injection/index.ts';
import { mailHeaderInjection } from './mail-header-injection/index.ts';
import { nosqlInjection } from './nosql-injection/index.ts';
import { openRedirect } from './open-redirect/index.ts';
import { osCommandInjection } from './os-command-injection/index.ts';
import { pathTraversal } from './path-traversal/index.ts';
import { phpInjection } from './php-injection/index.ts';
import { prototypePollution } from './prototype-pollution/index.ts';
import { scannerUserAgent } from './scanner-user-agent/index.ts';
import { sessionFixation } from './session-fixation/index.ts';
import { sqlInjection } from './sql-injection/index.ts';
import { ssiInjection } from './ssi-injection/index.ts';
import { ssrfRfi } from './ssrf-rfi/index.ts';
import { templateInjection } from './template-injection/index.ts';
import { xss } from './xss/index.ts';
import { xxe } from './xxe/index.ts';

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
