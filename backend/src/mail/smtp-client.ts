import net from 'node:net';
import tls from 'node:tls';
import os from 'node:os';

/** A stalled relay must not hold a request's background work forever. */
const SMTP_TIMEOUT_MS = 15_000;
/** No legitimate reply is this long; a server that streams more is broken or hostile. */
const MAX_REPLY_BYTES = 64 * 1024;

export interface SmtpOptions {
  url: URL;
  from: string;
  /** Extra TLS options (a test CA); production uses the system's trusted CAs. */
  tls?: tls.ConnectionOptions;
}
export interface SmtpMessage {
  to: string;
  /** The full RFC 5322 message (headers, blank line, body), CRLF line ends. */
  data: string;
}
interface Reply {
  code: number;
  lines: string[];
}

/** Reads SMTP replies (RFC 5321 §4.2: `250-` continues, `250 ` ends) from whichever socket is current. */
class ReplyReader {
  private buf = '';
  private lines: string[] = [];
  private ready: Reply[] = [];
  private waiter?: { resolve: (r: Reply) => void; reject: (e: Error) => void };
  private error?: Error;
  private socket?: net.Socket;
  private readonly onData = (chunk: Buffer) => this.push(chunk.toString('latin1'));
  private readonly onError = (e: Error) => this.fail(e);
  private readonly onClose = () => this.fail(new Error('SMTP connection closed'));

  attach(socket: net.Socket): void {
    this.detach();
    this.socket = socket;
    socket.on('data', this.onData).on('error', this.onError).on('close', this.onClose);
  }
  detach(): void {
    this.socket?.off('data', this.onData).off('error', this.onError).off('close', this.onClose);
  }
  next(): Promise<Reply> {
    const r = this.ready.shift();
    if (r) return Promise.resolve(r);
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }
  private push(text: string) {
    this.buf += text;
    if (this.buf.length > MAX_REPLY_BYTES) return this.fail(new Error('SMTP reply too long'));
    for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
      const line = this.buf.slice(0, i).replace(/\r$/, '');
      this.buf = this.buf.slice(i + 1);
      this.lines.push(line);
      if (/^\d{3}(?: |$)/.test(line)) {
        this.ready.push({ code: Number(line.slice(0, 3)), lines: this.lines });
        this.lines = [];
      }
    }
    while (this.waiter && this.ready.length) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(this.ready.shift()!);
    }
  }
  private fail(e: Error) {
    this.error ??= e;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(this.error);
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

/**
 * Sends one message over SMTP (RFC 5321): EHLO, STARTTLS when offered on smtp://, implicit TLS on
 * smtps://, AUTH PLAIN when the URL has credentials (refused over plain text except to loopback),
 * MAIL/RCPT/DATA, QUIT. One connection per message: reset mail is rare, pooling is not worth it.
 */
export async function sendSmtp(opts: SmtpOptions, msg: SmtpMessage): Promise<void> {
  const { url } = opts;
  const implicitTls = url.protocol === 'smtps:';
  const host = url.hostname;
  const port = Number(url.port || (implicitTls ? 465 : 587));
  const reader = new ReplyReader();
  let socket: net.Socket = implicitTls
    ? tls.connect({ ...opts.tls, host, port, servername: host })
    : net.connect({ host, port });
  let secure = implicitTls;
  socket.setTimeout(SMTP_TIMEOUT_MS, () => socket.destroy(new Error('SMTP timeout')));
  reader.attach(socket);

  const expect = async (ok: (code: number) => boolean, what: string): Promise<Reply> => {
    const r = await reader.next();
    if (!ok(r.code)) throw new Error(`SMTP ${what} refused: ${r.code}`);
    return r;
  };
  const command = async (line: string, ok: (code: number) => boolean, what: string) => {
    socket.write(line + '\r\n');
    return expect(ok, what);
  };
  const is = (n: number) => (code: number) => code === n;
  const helo = `EHLO ${os.hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'localhost'}`;

  try {
    await expect(is(220), 'greeting');
    let ehlo = await command(helo, is(250), 'EHLO');
    const offers = (r: Reply, ext: string) => r.lines.some((l) => l.slice(4).toUpperCase().startsWith(ext));
    if (!secure && offers(ehlo, 'STARTTLS')) {
      await command('STARTTLS', is(220), 'STARTTLS');
      reader.detach();
      socket = tls.connect({ ...opts.tls, socket, servername: host });
      socket.setTimeout(SMTP_TIMEOUT_MS, () => socket.destroy(new Error('SMTP timeout')));
      reader.attach(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('secureConnect', resolve);
        socket.once('error', reject);
      });
      secure = true;
      ehlo = await command(helo, is(250), 'EHLO');
    }
    if (url.username) {
      if (!secure && !isLoopback(host))
        throw new Error('SMTP server offers no TLS; refusing to send credentials in plain text');
      const plain = Buffer.from(`\0${decodeURIComponent(url.username)}\0${decodeURIComponent(url.password)}`).toString(
        'base64',
      );
      await command(`AUTH PLAIN ${plain}`, is(235), 'AUTH');
    }
    await command(`MAIL FROM:<${opts.from}>`, is(250), 'MAIL FROM');
    await command(`RCPT TO:<${msg.to}>`, (c) => c === 250 || c === 251, 'RCPT TO');
    await command('DATA', is(354), 'DATA');
    // Dot-stuffing (RFC 5321 §4.5.2), then the end-of-data marker.
    const body = msg.data.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    await command(`${body}\r\n.`, is(250), 'message');
    socket.write('QUIT\r\n');
    await reader.next().catch(() => undefined);
  } finally {
    reader.detach();
    socket.on('error', () => {});
    socket.end();
  }
}
