import { describe, expect, it } from 'vitest';
import { pickCredential, type PresentedCredential } from './credential.ts';

/** Issue 14, finding 9: the one pick both the gateway and the backend act on. Cases as data. */
const CASES: [string, string | undefined, string | undefined, PresentedCredential][] = [
  ['nothing', undefined, undefined, { kind: 'none' }],
  ['Bearer', 'Bearer aaa.bbb.ccc', undefined, { kind: 'token', token: 'aaa.bbb.ccc', source: 'authorization' }],
  ['lower-case scheme', 'bearer aaa', undefined, { kind: 'token', token: 'aaa', source: 'authorization' }],
  ['upper-case scheme', 'BEARER aaa', undefined, { kind: 'token', token: 'aaa', source: 'authorization' }],
  ['cookie only', undefined, 'x=1; gh_access=ccc; y=2', { kind: 'token', token: 'ccc', source: 'cookie' }],
  ['same token twice', 'Bearer aaa', 'gh_access=aaa', { kind: 'token', token: 'aaa', source: 'authorization' }],
  ['bearer + another cookie', 'bearer student', 'gh_access=provider', { kind: 'ambiguous' }],
  ['cookie twice, different', undefined, 'gh_access=a; gh_access=b', { kind: 'ambiguous' }],
  ['cookie twice, same', undefined, 'gh_access=a; gh_access=a', { kind: 'token', token: 'a', source: 'cookie' }],
  ['malformed bearer', 'Bearer a b', 'gh_access=ccc', { kind: 'malformed' }],
  ['empty bearer', 'Bearer', 'gh_access=ccc', { kind: 'malformed' }],
  ['Basic is not ours', 'Basic dXNlcjpwYXNz', 'gh_access=ccc', { kind: 'token', token: 'ccc', source: 'cookie' }],
  ['other cookie name', undefined, 'gh_access_old=zzz', { kind: 'none' }],
  ['empty cookie value', undefined, 'gh_access=', { kind: 'none' }],
];

describe('pickCredential', () => {
  it.each(CASES)('%s', (_name, authorization, cookie, expected) => {
    expect(pickCredential(authorization, cookie, 'gh_access')).toEqual(expected);
  });
});
