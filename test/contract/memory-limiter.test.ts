import { createMemoryLimiter } from '../../gateway/src/ratelimit/memory.ts';
import { durationMs } from '../../gateway/src/config/schema/limits.ts';
import { runLimiterContract } from './limiter.case.ts';

runLimiterContract('in-memory', ({ algorithm, limit, window }) =>
  createMemoryLimiter({ algorithm, limit, windowMs: durationMs(window) }),
);
