/**
 * multipart/related bodies (RFC 2387) read part by part as they arrive: a
 * STOW-RS request is never held whole, only the part being read.
 */

export interface BodyPart {
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
}

export class MultipartError extends Error {}

/** The parameters of a Content-Type header: `multipart/related; type="application/dicom"; boundary=x`. */
export function mediaType(header: string | undefined): { type: string; params: Record<string, string> } {
  const [type = '', ...rest] = (header ?? '').split(';');
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    params[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { type: type.trim().toLowerCase(), params };
}

/**
 * Reads the parts of `body`; a part larger than `maxPartBytes` stops the reading.
 * A part's body is kept as the chunks it came in and joined once when its
 * closing delimiter is found: every byte is copied once, however small the
 * chunks (TLS hands them on 16 KiB at a time).
 */
export async function* readMultipart(body: AsyncIterable<Buffer | string>, boundary: string, maxPartBytes: number): AsyncGenerator<BodyPart> {
  const delimiter = Buffer.from(`--${boundary}`);
  const inner = Buffer.from(`\r\n--${boundary}`);
  // Outside a part's body: the bytes not yet read (preamble, a delimiter's line, the headers), a few at most.
  let buffer: Buffer = Buffer.alloc(0);
  let state: 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done' = 'preamble';
  let headers: Record<string, string> = {};
  // Inside a part's body: its chunks so far, and their last bytes, where a delimiter split between two chunks begins.
  let chunks: Buffer[] = [];
  let length = 0;
  let tail: Buffer = Buffer.alloc(0);

  /** Adds `chunk` to the part's body; once its closing delimiter is found, answers the body and the bytes after the delimiter. */
  const readBody = (chunk: Buffer): { body: Buffer; rest: Buffer } | undefined => {
    if (tail.length > 0) {
      const window = Buffer.concat([tail, chunk.subarray(0, inner.length - 1)]);
      const at = window.indexOf(inner);
      if (at >= 0 && at < tail.length) return endBody(length - tail.length + at, chunk.subarray(at + inner.length - tail.length));
    }
    const at = chunk.indexOf(inner);
    if (at >= 0) {
      chunks.push(chunk.subarray(0, at));
      return endBody(length + at, chunk.subarray(at + inner.length));
    }
    chunks.push(chunk);
    length += chunk.length;
    if (length > maxPartBytes) throw new MultipartError(`a part is larger than ${maxPartBytes} bytes`);
    const keep = inner.length - 1;
    tail = chunk.length >= keep ? chunk.subarray(chunk.length - keep) : Buffer.concat([tail, chunk]).subarray(-keep);
    return undefined;
  };
  const endBody = (bodyLength: number, rest: Buffer) => {
    const body = Buffer.concat(chunks, bodyLength);
    chunks = [];
    length = 0;
    tail = Buffer.alloc(0);
    return { body, rest };
  };

  for await (const raw of body) {
    let chunk: Buffer | undefined = typeof raw === 'string' ? Buffer.from(raw) : raw;
    while (chunk !== undefined) {
      if (state === 'body') {
        const ended = readBody(chunk);
        if (ended === undefined) break;
        yield { headers, body: ended.body };
        buffer = ended.rest;
        state = 'after-delimiter';
      } else {
        buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      }
      chunk = undefined;
      if (state === 'preamble') {
        const at = buffer.indexOf(delimiter);
        if (at < 0) {
          buffer = buffer.subarray(Math.max(0, buffer.length - delimiter.length));
          break;
        }
        buffer = buffer.subarray(at + delimiter.length);
        state = 'after-delimiter';
      }
      if (state === 'after-delimiter') {
        if (buffer.length < 2) break;
        if (buffer[0] === 0x2d && buffer[1] === 0x2d) {
          state = 'done';
          break;
        }
        const end = buffer.indexOf('\r\n');
        if (end < 0) break;
        buffer = buffer.subarray(end + 2);
        state = 'headers';
      }
      if (state === 'headers') {
        const end = buffer.indexOf('\r\n\r\n');
        const empty = buffer.subarray(0, 2).toString() === '\r\n';
        if (end < 0 && !empty) {
          if (buffer.length > 16 * 1024) throw new MultipartError('a part\'s headers are longer than 16 KiB');
          break;
        }
        const text = empty ? '' : buffer.subarray(0, end).toString('latin1');
        headers = {};
        for (const line of text.split('\r\n')) {
          const colon = line.indexOf(':');
          if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        // What follows the headers is the body's first bytes: read as a chunk of it.
        chunk = buffer.subarray(empty ? 2 : end + 4);
        buffer = Buffer.alloc(0);
        state = 'body';
      }
    }
    if (state === 'done') break;
  }
  if (state !== 'done') throw new MultipartError('the body ended before its closing boundary: it is truncated');
}
