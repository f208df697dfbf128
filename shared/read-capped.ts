/**
 * Reads a body stream up to `cap` bytes. Over the cap it stops at once and cancels the stream (the
 * rest is never buffered) and returns `null`. The one capped reader of the gateway (WAF body,
 * login account key) and the backend (JSON and form bodies); runs on Workers and on Node.
 */
export async function readCapped(stream: ReadableStream<Uint8Array>, cap: number): Promise<Uint8Array | null> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const ch of chunks) {
    bytes.set(ch, off);
    off += ch.byteLength;
  }
  return bytes;
}
