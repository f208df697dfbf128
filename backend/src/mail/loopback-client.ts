import type { Context } from 'hono';
import ipaddr from 'ipaddr.js';

function isLoopback(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address); // ::ffff:127.0.0.1 counts as IPv4 loopback
  return parsed.range() === 'loopback';
}

/**
 * Whether the request comes from this machine: the TCP peer (the gateway, in dev on the same host)
 * is loopback, and so is every address in `X-Forwarded-For` (the gateway sets it to the client's
 * address when it knows it and drops a client's own copy). Without a socket (a test calling
 * `app.request()` in-process) there is no network client, so only the header decides.
 */
export function loopbackClient(c: Context): boolean {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  const peer = incoming?.socket?.remoteAddress;
  if (incoming && (!peer || !isLoopback(peer))) return false;
  const forwarded = c.req.header('x-forwarded-for');
  if (forwarded === undefined) return true;
  return forwarded.split(',').every((a) => isLoopback(a.trim()));
}
