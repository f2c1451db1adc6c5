/**
 * Writing UKE files: lines joined with CR LF, encoded as CP932, streamed to
 * disk in bounded chunks with backpressure, a GO record with the totals at the
 * end and, for 医科 files, the EOF byte 0x1A the specification asks for.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import iconv from 'iconv-lite';
import { goRecord } from './layout.js';

const cp932Codes = new Int32Array(65536).fill(-1);
const nonAscii = /[^\x00-\x7f]+/g;

function cp932Code(char: string): number {
  const code = char.charCodeAt(0);
  const bytes = iconv.encode(char, 'cp932');
  if (bytes.length === 1 && bytes[0] === 0x3f && char !== '?') {
    throw new Error(`"${char}" (U+${code.toString(16).toUpperCase()}) has no CP932 code`);
  }
  const value = bytes.length === 2 ? ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0) : (bytes[0] ?? 0);
  cp932Codes[code] = value;
  return value;
}

/**
 * CP932 bytes of `text`. ASCII runs are copied as they are and other
 * characters looked up in a table filled from iconv-lite on first use: most of
 * a UKE file is ASCII, and this is several times faster than iconv.encode.
 * Throws on a character CP932 cannot hold rather than writing "?".
 */
export function encodeCp932(text: string): Buffer {
  const buffer = Buffer.allocUnsafe(text.length * 2);
  let offset = 0;
  let copied = 0;
  nonAscii.lastIndex = 0;
  for (let match = nonAscii.exec(text); match !== null; match = nonAscii.exec(text)) {
    offset += buffer.write(text.slice(copied, match.index), offset, 'latin1');
    const run = match[0];
    for (let i = 0; i < run.length; i++) {
      const cached = cp932Codes[run.charCodeAt(i)] ?? -1;
      const value = cached >= 0 ? cached : cp932Code(run.charAt(i));
      if (value > 0xff) buffer[offset++] = value >> 8;
      buffer[offset++] = value & 0xff;
    }
    copied = match.index + run.length;
  }
  offset += buffer.write(text.slice(copied), offset, 'latin1');
  return buffer.subarray(0, offset);
}

/** A receipt ready to be numbered: レセプト番号 is its position in the file. */
export interface ReceiptLines {
  points: number;
  render(receiptNumber: number): string[];
}

const CHUNK_CHARS = 64 * 1024;
const EOF = Buffer.from([0x1a]);

export class UkeFileWriter {
  receipts = 0;
  /** HO and KO records: GO 総件数 counts one per payer of each receipt. */
  claims = 0;
  points = 0;
  lines = 1;
  private pending: string;
  private readonly stream: WriteStream;
  private waiting: Promise<void> | null = null;
  private failure: Error | null = null;

  /** Creates the directory and the file and writes the header line (IR or YK). */
  constructor(
    readonly path: string,
    header: string,
    private readonly endOfFileMark: boolean,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path);
    this.stream.on('error', (error) => {
      this.failure = error;
    });
    this.pending = header + '\r\n';
  }

  append(receipt: ReceiptLines): void {
    this.receipts++;
    this.points += receipt.points;
    const lines = receipt.render(this.receipts);
    for (const line of lines) if (line.startsWith('HO,') || line.startsWith('KO,')) this.claims++;
    this.lines += lines.length;
    this.pending += lines.join('\r\n') + '\r\n';
    if (this.pending.length >= CHUNK_CHARS) this.flush();
  }

  /** The stream has more than it wants: wait with `drained` before adding. */
  get busy(): boolean {
    return this.waiting !== null;
  }

  /** Resolves once the stream has taken what was written, so memory stays bounded. */
  async drained(): Promise<void> {
    if (this.waiting) await this.waiting;
    if (this.failure) throw this.failure;
  }

  async finish(): Promise<void> {
    if (this.failure) throw this.failure;
    this.pending += goRecord(this.claims, this.points) + '\r\n';
    this.lines++;
    this.flush();
    if (this.endOfFileMark) this.stream.write(EOF);
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
    if (this.failure) throw this.failure;
  }

  private flush(): void {
    const accepted = this.stream.write(encodeCp932(this.pending));
    this.pending = '';
    if (!accepted && !this.waiting) {
      this.waiting = new Promise<void>((resolve) => {
        const settle = () => {
          this.stream.off('drain', settle);
          this.stream.off('error', settle);
          this.waiting = null;
          resolve();
        };
        this.stream.on('drain', settle);
        this.stream.on('error', settle);
      });
    }
  }
}
