import type { MiddlewareHandler } from 'hono';
import ipaddr from 'ipaddr.js';
import type { GatewayEnv } from '../../env.ts';

/**
 * The client address comes from `CF-Connecting-IP` only: Cloudflare sets it and overwrites any
 * client value. X-Forwarded-For is attacker-controlled and never read.
 */
export function clientIp(): MiddlewareHandler<GatewayEnv> {
  return async function clientIp(c, next) {
    const raw = c.req.header('cf-connecting-ip')?.trim();
    c.set('clientIp', raw && ipaddr.isValid(raw) ? ipaddr.process(raw).toString() : 'unknown');
    await next();
  };
}
