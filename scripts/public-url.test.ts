import { describe, expect, it } from 'vitest';
import { publicUrlFor } from './public-url.ts';

describe('publicUrlFor (npm start)', () => {
  it.each([
    [{}, 'http://127.0.0.1:8787'],
    [{ GATEWAY_PORT: '9123' }, 'http://127.0.0.1:9123'],
    [{ GATEWAY_PORT: '9123', PUBLIC_URL: 'https://scholarships.example.org' }, 'https://scholarships.example.org'],
  ])('%j → %s', (env, expected) => {
    expect(publicUrlFor(env)).toBe(expected);
  });
});
