/**
 * Rows in PostgreSQL's text COPY format, written straight into UTF-8 bytes:
 * the same bytes as `copyRow` of @renkei/store, then encoded, but without a
 * string per value and per row. A batch's rows are the only thing it keeps,
 * off the JavaScript heap, so building them leaves the garbage collector
 * little to do.
 *
 * @example
 *   const rows = new CopyWriter();
 *   rows.text('a\tb').number(1).null().endRow();
 *   rows.take(); // the bytes of "a\\tb\t1\t\\N\n"
 */
export class CopyWriter {
  private bytes = new Uint8Array(1 << 16);
  private length = 0;
  /** Rows written since the last `take`. */
  rows = 0;
  private readonly words = new Map<string, Uint8Array>();

  /** A string, escaped as COPY reads it back (\\ \t \n \r); null as \N. */
  text(value: string | null): this {
    if (value === null) return this.null();
    this.reserve(value.length * 3 + 1);
    const at = writeText(this.bytes, this.length, value);
    this.bytes[at] = 0x09;
    this.length = at + 1;
    return this;
  }

  /** A value encoded beforehand by `CopyWriter.encode`: for one that many rows share (a receipt's id in its events). */
  encoded(value: Uint8Array): this {
    this.reserve(value.length);
    this.bytes.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** A string from a small vocabulary (categories, code kinds, routes, 診療識別): each is encoded once, then copied. */
  word(value: string | null): this {
    if (value === null) return this.null();
    let bytes = this.words.get(value);
    if (bytes === undefined) {
      // A vocabulary stays small; anything that grows past this is not one, and starts over.
      if (this.words.size >= 1000) this.words.clear();
      this.words.set(value, (bytes = CopyWriter.encode(value)));
    }
    return this.encoded(bytes);
  }

  /** A string as `text` writes it, for `encoded`. */
  static encode(value: string): Uint8Array {
    if (scratch.length < value.length * 3 + 1) scratch = new Uint8Array(value.length * 3 + 1);
    const at = writeText(scratch, 0, value);
    scratch[at] = 0x09;
    return scratch.slice(0, at + 1);
  }

  /** A number as String(value) writes it; null as \N. */
  number(value: number | null): this {
    if (value === null) return this.null();
    if (!Number.isSafeInteger(value)) return this.ascii(String(value));
    this.reserve(18);
    const bytes = this.bytes;
    let at = this.length;
    let rest = value;
    if (rest < 0) {
      bytes[at++] = 0x2d;
      rest = -rest;
    }
    let digits = 1;
    for (let p = rest; p >= 10; p = Math.floor(p / 10)) digits++;
    at += digits;
    for (let p = at; p > at - digits; p--) {
      bytes[p - 1] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    bytes[at++] = 0x09;
    this.length = at;
    return this;
  }

  /** t or f; null as \N. */
  boolean(value: boolean | null): this {
    if (value === null) return this.null();
    this.reserve(2);
    this.bytes[this.length++] = value ? 0x74 : 0x66;
    this.bytes[this.length++] = 0x09;
    return this;
  }

  /** An array literal of values that need no quoting (ISO dates): {a,b}; an empty list as \N. */
  array(values: readonly string[]): this {
    if (values.length === 0) return this.null();
    let length = 1;
    for (const value of values) length += value.length + 1;
    this.reserve(length + 1);
    const bytes = this.bytes;
    let at = this.length;
    bytes[at++] = 0x7b;
    for (let v = 0; v < values.length; v++) {
      if (v > 0) bytes[at++] = 0x2c;
      const value = values[v]!;
      for (let i = 0; i < value.length; i++) bytes[at++] = value.charCodeAt(i);
    }
    bytes[at++] = 0x7d;
    bytes[at++] = 0x09;
    this.length = at;
    return this;
  }

  null(): this {
    this.reserve(3);
    this.bytes[this.length++] = 0x5c;
    this.bytes[this.length++] = 0x4e;
    this.bytes[this.length++] = 0x09;
    return this;
  }

  /** Closes the row: its last separator becomes the line break. */
  endRow(): void {
    this.bytes[this.length - 1] = 0x0a;
    this.rows++;
  }

  /** The rows written so far, in a buffer of their own (it can be transferred); the writer starts again empty. */
  take(): Uint8Array {
    const rows = this.bytes.slice(0, this.length);
    this.length = 0;
    this.rows = 0;
    return rows;
  }

  /** Characters known to be ASCII and to need no escape (digits, signs, exponents). */
  private ascii(value: string): this {
    this.reserve(value.length + 1);
    for (let i = 0; i < value.length; i++) this.bytes[this.length++] = value.charCodeAt(i);
    this.bytes[this.length++] = 0x09;
    return this;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + bytes) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

/** Where `encode` writes before it copies out what it wrote (small copies stay on the JavaScript heap, cheap to make). */
let scratch = new Uint8Array(256);

/** Writes `value` as UTF-8 with COPY's escapes from `at` on; returns where it ended. */
function writeText(bytes: Uint8Array, at: number, value: string): number {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x20 && code < 0x80 && code !== 0x5c) {
      bytes[at++] = code;
    } else if (code < 0x80) {
      if (code === 0x5c || code === 0x09 || code === 0x0a || code === 0x0d) {
        bytes[at++] = 0x5c;
        bytes[at++] = code === 0x5c ? 0x5c : code === 0x09 ? 0x74 : code === 0x0a ? 0x6e : 0x72;
      } else {
        bytes[at++] = code;
      }
    } else if (code < 0x800) {
      bytes[at++] = 0xc0 | (code >> 6);
      bytes[at++] = 0x80 | (code & 0x3f);
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length && isLowSurrogate(value.charCodeAt(i + 1))) {
      const point = 0x10000 + ((code - 0xd800) << 10) + (value.charCodeAt(++i) - 0xdc00);
      bytes[at++] = 0xf0 | (point >> 18);
      bytes[at++] = 0x80 | ((point >> 12) & 0x3f);
      bytes[at++] = 0x80 | ((point >> 6) & 0x3f);
      bytes[at++] = 0x80 | (point & 0x3f);
    } else {
      // A surrogate without its pair becomes U+FFFD, as TextEncoder writes it.
      const unit = code >= 0xd800 && code <= 0xdfff ? 0xfffd : code;
      bytes[at++] = 0xe0 | (unit >> 12);
      bytes[at++] = 0x80 | ((unit >> 6) & 0x3f);
      bytes[at++] = 0x80 | (unit & 0x3f);
    }
  }
  return at;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
