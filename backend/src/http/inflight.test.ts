import { describe, expect, it } from 'vitest';
import { trackInflight } from './inflight.ts';

describe('trackInflight', () => {
  it('counts running requests and reports drained once they finish', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = trackInflight(async () => {
      await gate;
      return new Response('ok');
    });
    const pending = t.fetch(new Request('http://x/'));
    expect(t.count()).toBe(1);
    const drained = t.drained(5_000);
    release();
    expect(await (await pending).text()).toBe('ok');
    expect(await drained).toBe(true);
    expect(t.count()).toBe(0);
  });

  it('gives up after the grace period while a request still runs', async () => {
    const t = trackInflight(() => new Promise<Response>(() => {}));
    void t.fetch(new Request('http://x/'));
    expect(await t.drained(20)).toBe(false);
    expect(t.count()).toBe(1);
  });

  it('counts a failed request as finished', async () => {
    const t = trackInflight(async () => {
      throw new Error('boom');
    });
    await expect(t.fetch(new Request('http://x/'))).rejects.toThrow('boom');
    expect(await t.drained(10)).toBe(true);
  });
});
