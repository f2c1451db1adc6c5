/**
 * Bytes to lines: CP932 (the specification's Shift_JIS, with the vendor
 * characters real files use) or UTF-8 (files converted by other tools), CRLF
 * or LF, and the optional EOF mark 0x1A. Streaming: one chunk at a time.
 */
import iconv from 'iconv-lite';

export type Encoding = 'cp932' | 'utf8';

interface Decoder {
  write(chunk: Uint8Array): string;
  end(): string;
}

/** Decides the encoding from the first bytes that are not ASCII (ASCII reads the same in both). */
export class LineDecoder {
  private decoder: Decoder | undefined;
  private rest = '';
  encoding: Encoding | undefined;

  /** Complete lines in `chunk` (the last, unfinished one waits for the next chunk). */
  write(chunk: Uint8Array): string[] {
    return this.split(this.decode(chunk), false);
  }

  /** The lines left at the end of the input. */
  end(): string[] {
    const tail = this.decoder ? this.decoder.end() : '';
    return this.split(tail, true);
  }

  private decode(chunk: Uint8Array): string {
    if (this.decoder) return this.decoder.write(chunk);
    const firstNonAscii = chunk.findIndex((byte) => byte >= 0x80);
    if (firstNonAscii < 0) return Buffer.from(chunk).toString('latin1');
    this.encoding = looksLikeUtf8(chunk.subarray(firstNonAscii)) ? 'utf8' : 'cp932';
    this.decoder = this.encoding === 'utf8' ? utf8Decoder() : cp932Decoder();
    return this.decoder.write(chunk);
  }

  private split(text: string, final: boolean): string[] {
    const lines = (this.rest + text).split('\n');
    this.rest = final ? '' : lines.pop()!;
    const out: string[] = [];
    for (let line of lines) {
      if (line.endsWith('\r')) line = line.slice(0, -1);
      // The EOF mark 0x1A may stand alone after the last CRLF or end the last line.
      if (line.endsWith('\x1a')) line = line.slice(0, -1);
      out.push(line);
    }
    if (final && out.length > 0 && out[out.length - 1] === '') out.pop();
    return out;
  }
}

function cp932Decoder(): Decoder {
  const decoder = iconv.getDecoder('cp932');
  return { write: (chunk) => decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)), end: () => decoder.end() ?? '' };
}

function utf8Decoder(): Decoder {
  const decoder = new TextDecoder('utf-8'); // drops a byte-order mark
  return { write: (chunk) => decoder.decode(chunk, { stream: true }), end: () => decoder.decode() };
}

/** True when the bytes are well-formed UTF-8 (a truncated last character allowed). */
function looksLikeUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, 4096), { stream: true });
    return true;
  } catch {
    return false;
  }
}
