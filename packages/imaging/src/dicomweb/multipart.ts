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

/** Reads the parts of `body`; a part larger than `maxPartBytes` stops the reading. */
export async function* readMultipart(body: AsyncIterable<Buffer | string>, boundary: string, maxPartBytes: number): AsyncGenerator<BodyPart> {
  const delimiter = Buffer.from(`--${boundary}`);
  const inner = Buffer.from(`\r\n--${boundary}`);
  let buffer: Buffer = Buffer.alloc(0);
  let state: 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done' = 'preamble';
  let headers: Record<string, string> = {};
  let searchFrom = 0;
  for await (const raw of body) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    while ((state as string) !== 'done') {
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
          continue;
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
        buffer = buffer.subarray(empty ? 2 : end + 4);
        state = 'body';
        searchFrom = 0;
      }
      if (state === 'body') {
        const at = buffer.indexOf(inner, searchFrom);
        if (at < 0) {
          if (buffer.length > maxPartBytes) throw new MultipartError(`a part is larger than ${maxPartBytes} bytes`);
          searchFrom = Math.max(0, buffer.length - inner.length);
          break;
        }
        yield { headers, body: Buffer.from(buffer.subarray(0, at)) };
        buffer = buffer.subarray(at + inner.length);
        state = 'after-delimiter';
      }
    }
    if (state === 'done') break;
  }
  if (state !== 'done') throw new MultipartError('the body ended before its closing boundary: it is truncated');
}
