import { describe, expect, it } from 'vitest';
import { oneAtATime } from './one-at-a-time.ts';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('oneAtATime', () => {
  it('runs tasks of one key one after another, in arrival order', async () => {
    const run = oneAtATime();
    const log: string[] = [];
    let open = 0,
      maxOpen = 0;
    const task = (name: string) =>
      run('k', async () => {
        open++;
        maxOpen = Math.max(maxOpen, open);
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        open--;
        return name;
      });
    expect(await Promise.all([task('a'), task('b'), task('c')])).toEqual(['a', 'b', 'c']);
    expect(maxOpen).toBe(1);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('runs tasks of different keys side by side', async () => {
    const run = oneAtATime();
    let open = 0,
      maxOpen = 0;
    const task = (key: string) =>
      run(key, async () => {
        open++;
        maxOpen = Math.max(maxOpen, open);
        await tick();
        open--;
      });
    await Promise.all([task('x'), task('y'), task('z')]);
    expect(maxOpen).toBe(3);
  });

  it('a failing task passes its error on and does not block the next', async () => {
    const run = oneAtATime();
    const failing = run('k', async () => {
      await tick();
      throw new Error('boom');
    });
    const next = run('k', async () => 'next ran');
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('next ran');
  });
});
