import net from 'node:net';
import tls from 'node:tls';

interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message as sent after DATA, dot-unstuffed. */
  data: string;
  auth?: string;
}

/**
 * A tiny SMTP server that accepts everything and keeps it in memory: for tests of the SMTP
 * transport (real sockets, real protocol) and for trying SMTP_URL locally. Offers STARTTLS when
 * given a key and certificate; never expose it beyond loopback.
 */
export async function startSmtpSink(opts: { host?: string; port?: number; tls?: { key: string; cert: string } } = {}) {
  const received: ReceivedMail[] = [];
  const transcript: string[] = [];
  const server = net.createServer((raw) => {
    let socket: net.Socket = raw;
    let buf = '';
    let inData = false;
    let data: string[] = [];
    let current: Omit<ReceivedMail, 'data'> = { from: '', to: [] };
    const say = (line: string) => socket.write(line + '\r\n');
    say('220 sink.test ESMTP ready');
    const onData = (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            received.push({ ...current, data: data.join('\r\n') });
            current = { from: '', to: [], auth: current.auth };
            data = [];
            say('250 2.0.0 queued');
          } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        transcript.push(line);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') {
          const starttls = opts.tls && !(socket instanceof tls.TLSSocket) ? '250-STARTTLS\r\n' : '';
          socket.write(`250-sink.test\r\n${starttls}250-AUTH PLAIN\r\n250 8BITMIME\r\n`);
        } else if (line.toUpperCase() === 'STARTTLS' && opts.tls) {
          say('220 2.0.0 ready to start TLS');
          raw.off('data', onData);
          socket = new tls.TLSSocket(raw, { isServer: true, key: opts.tls.key, cert: opts.tls.cert });
          socket.on('data', onData).on('error', () => {});
          buf = '';
          transcript.push('(tls)');
          return;
        } else if (verb === 'AUTH') {
          current.auth = line.slice(11);
          say('235 2.7.0 ok');
        } else if (verb === 'MAIL') {
          current.from = line.slice(10).replace(/[<>]/g, '');
          say('250 ok');
        } else if (verb === 'RCPT') {
          const to = line.slice(8).replace(/[<>]/g, '');
          // Addresses starting with "reject" bounce, so tests can exercise refusals.
          if (to.startsWith('reject')) say('550 5.1.1 no such user');
          else {
            current.to.push(to);
            say('250 ok');
          }
        } else if (verb === 'DATA') {
          inData = true;
          say('354 go ahead');
        } else if (verb === 'QUIT') {
          say('221 bye');
          socket.end();
        } else say('502 not implemented');
      }
    };
    raw.on('data', onData).on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    received,
    transcript,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
