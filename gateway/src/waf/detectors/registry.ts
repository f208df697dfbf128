import type { Detector } from '../types.ts';
import { sqlInjection } from './sql-injection.ts';
import { xss } from './xss.ts';

/** Every detector the engine runs, in order. Rule ids must be unique across all of them. */
export const DETECTORS: readonly Detector[] = [sqlInjection, xss];
