import net from 'node:net';

/**
 * A minimal RESP2 client for the Upstash REST bridge: commands are pipelined on one socket and
 * replies come back in order, so a batch written in one call (MULTI … EXEC) is never interleaved
 * with another request's commands.
 */
export type Reply = SimpleString | number | Buffer | null | RespError | Reply[];

/** An error reply (`-ERR …`): a value, not a thrown exception, so pipelines can carry it. */
export class RespError {
  constructor(readonly message: string) {}
}

/** A simple-string reply (`+OK`), kept apart from bulk strings for Upstash's encoding rules. */
export class SimpleString {
  constructor(readonly value: string) {}
}

type Pending = { resolve: (r: Reply) => void; reject: (e: Error) => void };

function encode(args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parses one reply at `pos`; returns undefined when the buffer does not hold all of it yet. */
function parse(buf: Buffer, pos: number): { value: Reply; next: number } | undefined {
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString('utf8', pos + 1, eol);
  switch (type) {
    case '+':
      return { value: new SimpleString(line), next: eol + 2 };
    case '-':
      return { value: new RespError(line), next: eol + 2 };
    case ':':
      return { value: Number(line), next: eol + 2 };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, next: eol + 2 };
      if (buf.length < eol + 2 + len + 2) return undefined;
      return { value: buf.subarray(eol + 2, eol + 2 + len), next: eol + 2 + len + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, next: eol + 2 };
      const items: Reply[] = [];
      let p = eol + 2;
      for (let i = 0; i < n; i++) {
        const r = parse(buf, p);
        if (!r) return undefined;
        items.push(r.value);
        p = r.next;
      }
      return { value: items, next: p };
    }
    default:
      throw new Error(`RESP: unexpected type byte ${JSON.stringify(type)}`);
  }
}

export class RespConnection {
  private socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Pending[] = [];
  private ready: Promise<void>;
  closed = false;

  constructor(url: URL) {
    this.socket = net.connect({ host: url.hostname, port: Number(url.port || 6379) });
    this.socket.setNoDelay(true);
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (d) => this.onData(d));
    this.socket.on('error', (e) => this.fail(e));
    this.socket.on('close', () => this.fail(new Error('redis connection closed')));
    const auth: (string | Buffer)[][] = [];
    if (url.password)
      auth.push(
        url.username
          ? ['AUTH', decodeURIComponent(url.username), decodeURIComponent(url.password)]
          : ['AUTH', decodeURIComponent(url.password)],
      );
    const db = url.pathname.replace(/^\//, '');
    if (db) auth.push(['SELECT', db]);
    if (auth.length) void this.send(auth).catch(() => {});
  }

  /** Writes all commands at once; resolves with their replies in order (errors as RespError). */
  async send(commands: (string | Buffer)[][]): Promise<Reply[]> {
    await this.ready;
    if (this.closed) throw new Error('redis connection closed');
    const replies = commands.map(() => new Promise<Reply>((resolve, reject) => this.pending.push({ resolve, reject })));
    this.socket.write(Buffer.concat(commands.map(encode)));
    return Promise.all(replies);
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
    let pos = 0;
    for (;;) {
      const r = parse(this.buffer, pos);
      if (!r) break;
      pos = r.next;
      this.pending.shift()?.resolve(r.value);
    }
    this.buffer = this.buffer.subarray(pos);
  }

  private fail(e: Error): void {
    this.closed = true;
    for (const p of this.pending.splice(0)) p.reject(e);
  }
}
