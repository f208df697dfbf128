/**
 * `npm run psp:sim`: the Stripe simulator on 127.0.0.1:12111 (PSP_SIM_PORT). Point the backend at
 * it with STRIPE_API_BASE=http://127.0.0.1:12111 and any STRIPE_SECRET_KEY=sk_test_…; it signs
 * webhooks with STRIPE_WEBHOOK_SECRET and delivers them to PSP_SIM_WEBHOOK_URL (default: through
 * the gateway, http://127.0.0.1:8787/webhooks/stripe). Test cards: pm_card_visa succeeds,
 * pm_card_chargeDeclined declines.
 */
import { z } from 'zod';
import { startPspSim } from '../test/support/psp-sim/index.ts';

const env = z
  .object({
    PSP_SIM_HOST: z.string().default('127.0.0.1'),
    PSP_SIM_PORT: z.coerce.number().int().min(1).max(65535).default(12111),
    PSP_SIM_WEBHOOK_URL: z.string().url().default('http://127.0.0.1:8787/webhooks/stripe'),
    STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_').default('whsec_gatehouse_local_simulator'),
  })
  .safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v)));
if (!env.success) {
  console.error(
    'psp:sim: invalid environment:\n' + env.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n'),
  );
  process.exit(2);
}
const { PSP_SIM_HOST, PSP_SIM_PORT, PSP_SIM_WEBHOOK_URL, STRIPE_WEBHOOK_SECRET } = env.data;
const sim = await startPspSim({
  host: PSP_SIM_HOST,
  port: PSP_SIM_PORT,
  webhookSecret: STRIPE_WEBHOOK_SECRET,
  webhookUrl: PSP_SIM_WEBHOOK_URL,
});
console.log(
  `psp:sim: Stripe simulator on ${sim.url}; webhooks → ${PSP_SIM_WEBHOOK_URL}` +
    (process.env.STRIPE_WEBHOOK_SECRET
      ? ''
      : ` (signing secret ${STRIPE_WEBHOOK_SECRET}: give the backend the same STRIPE_WEBHOOK_SECRET)`),
);
const stop = async () => {
  await sim.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
