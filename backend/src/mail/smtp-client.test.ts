import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sendSmtp } from './smtp-client.ts';
import { buildMessage } from './smtp-transport.ts';
import { startSmtpSink } from '../../../test/support/smtp-sink.ts';

/** A throwaway self-signed certificate for 127.0.0.1, made by the openssl CLI at test time (no key in git). */
let dir: string;
let tlsFiles: { key: string; cert: string };
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gh-smtp-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  tlsFiles = {
    key: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const message = (to: string) =>
  buildMessage('noreply@gatehouse.test', {
    to,
    subject: 'Grüße',
    text: 'Line one\n.starts with a dot\nhttps://x.test/?token=abc',
  });

describe('SMTP client', () => {
  it('upgrades with STARTTLS before authenticating, and delivers', async () => {
    const sink = await startSmtpSink({ tls: tlsFiles });
    try {
      const url = new URL(`smtp://user:p%40ss@127.0.0.1:${sink.port}`);
      await sendSmtp(
        { url, from: 'noreply@gatehouse.test', tls: { ca: tlsFiles.cert } },
        { to: 'a@b.test', data: message('a@b.test') },
      );
      expect(sink.received).toHaveLength(1);
      const tlsAt = sink.transcript.indexOf('(tls)');
      const authAt = sink.transcript.findIndex((l) => l.startsWith('AUTH'));
      expect(tlsAt).toBeGreaterThan(0);
      expect(authAt).toBeGreaterThan(tlsAt); // credentials only after the upgrade
      const [head, body] = sink.received[0].data.split('\r\n\r\n');
      expect(head).toContain('Subject: =?UTF-8?B?');
      expect(Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString()).toBe(
        'Line one\r\n.starts with a dot\r\nhttps://x.test/?token=abc',
      );
    } finally {
      await sink.close();
    }
  });

  it('refuses a server certificate it does not trust', async () => {
    const sink = await startSmtpSink({ tls: tlsFiles });
    try {
      const url = new URL(`smtp://user:pass@127.0.0.1:${sink.port}`);
      await expect(
        sendSmtp({ url, from: 'noreply@gatehouse.test' }, { to: 'a@b.test', data: message('a@b.test') }),
      ).rejects.toThrow();
      expect(sink.received).toHaveLength(0);
      expect(sink.transcript.some((l) => l.startsWith('AUTH'))).toBe(false);
    } finally {
      await sink.close();
    }
  });

  it('dot-stuffs lines that start with a dot', async () => {
    const sink = await startSmtpSink();
    try {
      await sendSmtp(
        { url: new URL(`smtp://127.0.0.1:${sink.port}`), from: 'x@y.test' },
        { to: 'a@b.test', data: 'Subject: t\r\n\r\n.hidden\r\n..two\r\nend' },
      );
      expect(sink.received[0].data).toBe('Subject: t\r\n\r\n.hidden\r\n..two\r\nend');
    } finally {
      await sink.close();
    }
  });

  it('reports a refused recipient and a dead port as errors', async () => {
    const sink = await startSmtpSink();
    try {
      await expect(
        sendSmtp(
          { url: new URL(`smtp://127.0.0.1:${sink.port}`), from: 'x@y.test' },
          { to: 'reject@b.test', data: message('reject@b.test') },
        ),
      ).rejects.toThrow(/RCPT TO refused: 550/);
    } finally {
      await sink.close();
    }
    await expect(
      sendSmtp({ url: new URL(`smtp://127.0.0.1:${sink.port}`), from: 'x@y.test' }, { to: 'a@b.test', data: 'x' }),
    ).rejects.toThrow();
  });

  it('refuses header injection', () => {
    expect(() => buildMessage('a@b.test', { to: 'x@y.test', subject: 'Hi\r\nBcc: victim@z.test', text: 'x' })).toThrow(
      /line break/,
    );
    expect(() => buildMessage('a@b.test', { to: 'x@y.test\nBcc: v@z.test', subject: 'Hi', text: 'x' })).toThrow(
      /line break/,
    );
  });
});
