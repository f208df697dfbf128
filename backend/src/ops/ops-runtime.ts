import { readFileSync } from 'node:fs';
import { parseAlerts, type AlertsFile } from '../../../shared/ops/alerts.ts';
import type { AppDeps } from '../deps.ts';
import { compileAllowlist } from './access.ts';
import { GatewaySource } from './gateway-source.ts';
import { collectNumbers, type OpsNumbers } from './numbers.ts';
import { evaluateStatus, type OpsStatus } from './status.ts';
import type { WindowName } from './window.ts';

/** What the ops routes build once per app: the alert thresholds, the gateway source, the QA allowlist. */
export interface OpsRuntime {
  alerts: AlertsFile;
  gateway: GatewaySource;
  qa: (ip: string | undefined) => boolean;
  read(window?: WindowName): Promise<{ numbers: OpsNumbers; status: OpsStatus }>;
}

const started = Date.now();

export function createOpsRuntime(deps: AppDeps): OpsRuntime {
  // A bad alerts file stops the start, like a bad rule file stops the gateway's build.
  const alerts = parseAlerts(readFileSync(deps.env.OPS_ALERTS_FILE, 'utf8'), deps.env.OPS_ALERTS_FILE);
  const gateway = new GatewaySource(deps.env).start();
  const ctx = () => ({
    paymentsConfigured: !!deps.env.STRIPE_SECRET_KEY,
    uptimeSeconds: (Date.now() - started) / 1000,
  });
  return {
    alerts,
    gateway,
    qa: compileAllowlist(deps.env.OPS_STATUS_ALLOWLIST),
    async read(window = alerts.window) {
      const numbers = await collectNumbers(deps.db, gateway, window);
      return { numbers, status: evaluateStatus(alerts, numbers, ctx()) };
    },
  };
}
