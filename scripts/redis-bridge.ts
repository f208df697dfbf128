/**
 * `npm run redis:bridge`: the Upstash-compatible REST bridge (development tool) on 127.0.0.1:8079 in
 * front of REDIS_URL (default redis://127.0.0.1:6379), accepting the token in UPSTASH_REDIS_REST_TOKEN.
 * Point the gateway at it with UPSTASH_REDIS_REST_URL=http://127.0.0.1:8079 and the same token.
 * Flags: --port N, --host H.
 */
import { parseArgs } from 'node:util';
import { startRedisBridge } from '../test/support/redis-bridge/server.ts';

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });
const token = process.env.UPSTASH_REDIS_REST_TOKEN;
if (!token) {
  console.error('redis-bridge: UPSTASH_REDIS_REST_TOKEN is required (the bearer token clients must send)');
  process.exit(1);
}
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const bridge = await startRedisBridge({
  host: values.host ?? '127.0.0.1',
  port: values.port ? Number(values.port) : 8079,
  token,
  redisUrl,
});
console.log(
  `redis-bridge: Upstash REST on ${bridge.url} → ${new URL(redisUrl).host} (development tool, not for production)`,
);
const stop = async () => {
  await bridge.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
