/** One plain-text mail. Addresses arrive validated; the transport still refuses CR/LF in headers. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Where mail goes. `local` transports finish in milliseconds on our own database, so callers may
 * await them inside a request; remote ones are sent in the background so their latency cannot
 * reveal anything (see password-reset.ts).
 */
export interface MailTransport {
  kind: 'dev' | 'smtp';
  local: boolean;
  send(mail: Mail): Promise<void>;
}

/** Header values must be one line: a CR or LF would let a value inject headers (RFC 5322 §2.2). */
export function assertHeaderSafe(value: string, name: string): void {
  if (/[\r\n]/.test(value)) throw new Error(`mail header ${name} contains a line break`);
}
