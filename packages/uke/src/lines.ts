/**
 * Bytes to lines: CP932 (the specification's Shift_JIS, with the vendor
 * characters real files use) or UTF-8 (files converted by other tools), CRLF
 * or LF, and the optional EOF mark 0x1A. Streaming: one chunk at a time.
 *
 * Lines are cut at the byte level (0x0A, 0x0D and 0x1A are never part of a
 * multibyte character in either encoding), and most lines of a claims file
 * are plain ASCII: those are read as slices of one Latin-1 string per window of lines,
 * and only the lines with other bytes go through the decoder.
 */
import { decodeCp932Line } from './cp932.js';

export type Encoding = 'cp932' | 'utf8';

const LF = 0x0a;
const CR = 0x0d;
const EOF_MARK = 0x1a;
const BOM = [0xef, 0xbb, 0xbf];
/** Bytes of lines read as one Latin-1 string. */
const WINDOW = 16 * 1024;

/** Decides the encoding from the first bytes that are not ASCII (ASCII reads the same in both). */
export class LineDecoder {
  encoding: Encoding | undefined;
  private decodeBytes: ((bytes: Buffer) => string) | undefined;
  /** The start of a line whose end is in a later chunk. */
  private pending: Buffer | undefined;
  /** Bytes of a UTF-8 byte-order mark seen so far at the start of the decoded text; -1 once settled. */
  private bom = -1;

  /** Complete lines in `chunk` (the last, unfinished one waits for the next chunk). */
  write(chunk: Uint8Array): string[] {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.encoding === undefined) this.detect(bytes);
    if (this.bom >= 0) bytes = this.skipBom(bytes);
    const lines: string[] = [];
    let start = 0;
    if (this.pending) {
      const end = bytes.indexOf(LF);
      if (end < 0) {
        this.pending = Buffer.concat([this.pending, bytes]);
        return lines;
      }
      const line = Buffer.concat([this.pending, bytes.subarray(0, end)]);
      this.pending = undefined;
      lines.push(this.line(line, line.toString('latin1'), 0, line.length));
      start = end + 1;
    }
    let lineStart = start;
    while (lineStart < bytes.length) {
      // Lines are read a window at a time: its Latin-1 string stays small enough to die young.
      let windowEnd = bytes.lastIndexOf(LF, Math.min(lineStart + WINDOW, bytes.length) - 1);
      if (windowEnd < lineStart) windowEnd = bytes.indexOf(LF, lineStart);
      if (windowEnd < 0) break;
      const text = bytes.toString('latin1', lineStart, windowEnd);
      const offset = lineStart;
      while (lineStart <= windowEnd) {
        const end = bytes.indexOf(LF, lineStart);
        lines.push(this.line(bytes, text, lineStart - offset, end - offset, offset));
        lineStart = end + 1;
      }
    }
    if (lineStart < bytes.length) this.pending = Buffer.from(bytes.subarray(lineStart));
    return lines;
  }

  /** The lines left at the end of the input. */
  end(): string[] {
    // Bytes held as the start of a byte-order mark that never completed are text after all.
    const held = this.bom > 0 ? Buffer.from(BOM.slice(0, this.bom)) : undefined;
    const rest = held && this.pending ? Buffer.concat([this.pending, held]) : (held ?? this.pending);
    this.pending = undefined;
    this.bom = -1;
    if (!rest) return [];
    const line = this.line(rest, rest.toString('latin1'), 0, rest.length);
    // The last line break is followed by nothing (or by nothing but the EOF mark).
    return line === '' ? [] : [line];
  }

  /**
   * The line between `from` and `to` of `text` (the Latin-1 reading of `bytes`
   * from `offset` on), without its CR or EOF mark, decoded if not ASCII.
   */
  private line(bytes: Buffer, text: string, from: number, to: number, offset = 0): string {
    if (to > from && bytes[offset + to - 1] === CR) to--;
    // The EOF mark 0x1A may stand alone after the last CRLF or end the last line.
    if (to > from && bytes[offset + to - 1] === EOF_MARK) to--;
    for (let i = offset + from; i < offset + to; i++) {
      if (bytes[i]! >= 0x80) return this.decodeBytes!(bytes.subarray(offset + from, offset + to));
    }
    return text.slice(from, to);
  }

  private detect(chunk: Buffer): void {
    const firstNonAscii = chunk.findIndex((byte) => byte >= 0x80);
    if (firstNonAscii < 0) return;
    this.encoding = looksLikeUtf8(chunk.subarray(firstNonAscii)) ? 'utf8' : 'cp932';
    if (this.encoding === 'utf8') {
      // Like a streaming TextDecoder: a byte-order mark where the decoded text starts is dropped.
      const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      this.decodeBytes = (bytes) => decoder.decode(bytes);
      this.bom = 0;
    } else {
      this.decodeBytes = decodeCp932Line;
    }
  }

  /** Drops the byte-order mark, which may come split over chunks; bytes that turn out not to be one are kept. */
  private skipBom(chunk: Buffer): Buffer {
    let i = 0;
    while (i < chunk.length && this.bom < BOM.length && chunk[i] === BOM[this.bom]) {
      i++;
      this.bom++;
    }
    if (this.bom === BOM.length) {
      this.bom = -1;
      return chunk.subarray(i);
    }
    if (i === chunk.length) return chunk.subarray(i);
    const held = this.bom - i;
    this.bom = -1;
    return held === 0 ? chunk : Buffer.concat([Buffer.from(BOM.slice(0, held)), chunk]);
  }
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
