import { opsWindow } from '../../backend/src/ops/metrics.ts';

/**
 * Backend-project setup file, run before each test file. The project runs with isolate off, so the
 * files of one worker thread share one module graph, and with it the process-wide minute window the
 * ops dashboard reads (backend/src/ops/metrics.ts). Each file starts from an empty window, as a
 * freshly started backend does. The Prometheus counters stay cumulative, as counters are; tests read
 * them as differences.
 */
opsWindow.clear();
