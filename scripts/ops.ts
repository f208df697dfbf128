/**
 * `npm run ops -- lint [--file ops/alerts.yaml]`: validates the status strip's alert thresholds
 * (shared/ops/alerts.ts) and prints each alert with its line; exit 1 on any problem, naming the
 * field. The backend refuses to start with an invalid file too.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseAlerts, SIGNALS } from '../shared/ops/alerts.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { file: { type: 'string', default: process.env.OPS_ALERTS_FILE ?? 'ops/alerts.yaml' } },
});
const command = positionals[0];
if (command !== 'lint') {
  console.error('usage: npm run ops -- lint [--file ops/alerts.yaml]');
  process.exit(2);
}
try {
  const file = parseAlerts(readFileSync(values.file!, 'utf8'), values.file);
  for (const a of file.alerts)
    console.log(
      `  ${a.line.padEnd(13)} ${a.id.padEnd(26)} ${a.signal} amber>${a.amber ?? '–'} red>${a.red}  (${SIGNALS[a.signal]})`,
    );
  console.log(`ops lint: ${values.file} OK (${file.alerts.length} alerts, window ${file.window})`);
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
