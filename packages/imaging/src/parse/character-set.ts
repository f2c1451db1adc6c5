/**
 * Specific Character Set (0008,0005), PS3.5 §6.1 and Annex H: the text of
 * SH, LO, ST, LT, UT, UC and PN elements in the character set the sender
 * declared. Single-byte sets and UTF-8 decode whole; the ISO 2022 sets switch
 * between ASCII, JIS X 0201 (katakana, IR 13), JIS X 0208 (kanji, IR 87),
 * JIS X 0212 (IR 159), ISO 8859-1 (IR 100) and KS X 1001 (IR 149) by escape
 * sequences, and return to their initial state at each delimiter.
 */

/** A declared character set this decoder does not know: the instance is refused, not stored with garbled names. */
export class UnsupportedCharacterSet extends Error {}

/** Single-byte and whole-value sets (the defined terms without code extensions) → WHATWG decoder labels. */
const PLAIN_SETS: Record<string, string> = {
  '': 'latin1',
  ISO_IR_6: 'latin1',
  ISO_IR_100: 'latin1',
  ISO_IR_101: 'iso-8859-2',
  ISO_IR_109: 'iso-8859-3',
  ISO_IR_110: 'iso-8859-4',
  ISO_IR_144: 'iso-8859-5',
  ISO_IR_127: 'iso-8859-6',
  ISO_IR_126: 'iso-8859-7',
  ISO_IR_138: 'iso-8859-8',
  ISO_IR_148: 'iso-8859-9',
  ISO_IR_13: 'shift_jis',
  ISO_IR_166: 'windows-874',
  ISO_IR_192: 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

type G0 = 'ascii' | 'jisx0201' | 'jisx0208' | 'jisx0212' | 'ksx1001';
type G1 = 'none' | 'katakana' | 'latin1' | 'ksx1001';

/** How one dataset's text is decoded, made once per Specific Character Set. */
export class TextDecoding {
  private readonly plain: { decode(bytes: Uint8Array): string } | undefined;
  private readonly initialG0: G0;
  private readonly initialG1: G1;

  /** `declared`: the values of Specific Character Set (empty: the default repertoire). */
  constructor(readonly declared: readonly string[]) {
    const terms = declared.map((value) => value.trim().replace(/[ -]/g, '_').toUpperCase());
    const first = terms[0] ?? '';
    const extended = terms.some((term) => term.startsWith('ISO_2022_'));
    if (!extended) {
      if (terms.length > 1) throw new UnsupportedCharacterSet(`Specific Character Set ${declared.join('\\')} has several values without ISO 2022 code extensions`);
      const label = PLAIN_SETS[first];
      if (label === undefined) throw new UnsupportedCharacterSet(`Specific Character Set ${first} is not supported`);
      this.plain = new TextDecoder(label);
      this.initialG0 = 'ascii';
      this.initialG1 = 'none';
      return;
    }
    for (const term of terms) {
      if (term !== '' && !(term in EXTENSION_TERMS)) throw new UnsupportedCharacterSet(`Specific Character Set ${term} is not supported`);
    }
    // The first value names the initial state; an empty first value is the default repertoire (ISO 2022 IR 6).
    const initial = EXTENSION_TERMS[first] ?? { g0: 'ascii', g1: 'none' };
    this.initialG0 = initial.g0 ?? 'ascii';
    this.initialG1 = initial.g1 ?? 'none';
  }

  /** The text of one element's value bytes. `person`: a PN value, where `=` and `^` are delimiters too. */
  decode(bytes: Uint8Array, person = false): string {
    if (this.plain) return this.plain.decode(bytes);
    return this.decodeExtended(bytes, person);
  }

  private decodeExtended(bytes: Uint8Array, person: boolean): string {
    let g0 = this.initialG0;
    let g1 = this.initialG1;
    let text = '';
    let run: number[] = [];
    let runDecoder: 'latin1' | 'euc-jp' | 'euc-kr' = 'latin1';
    const flush = () => {
      if (run.length > 0) text += decoders[runDecoder].decode(Uint8Array.from(run));
      run = [];
    };
    const emit = (decoder: typeof runDecoder, ...values: number[]) => {
      if (decoder !== runDecoder) {
        flush();
        runDecoder = decoder;
      }
      run.push(...values);
    };
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (byte === 0x1b) {
        const found = ESCAPES.find((e) => e.bytes.every((b, k) => bytes[i + 1 + k] === b));
        if (!found) throw new UnsupportedCharacterSet(`an escape sequence ESC ${[...bytes.subarray(i + 1, i + 4)].map((b) => String.fromCharCode(b)).join(' ')} that is not supported`);
        if (found.g0) g0 = found.g0;
        if (found.g1) g1 = found.g1;
        i += found.bytes.length;
        continue;
      }
      if (byte < 0x80) {
        if ((g0 === 'jisx0208' || g0 === 'jisx0212' || g0 === 'ksx1001') && byte > 0x20) {
          const second = bytes[++i] ?? 0x21;
          if (g0 === 'ksx1001') emit('euc-kr', byte | 0x80, second | 0x80);
          else if (g0 === 'jisx0212') emit('euc-jp', 0x8f, byte | 0x80, second | 0x80);
          else emit('euc-jp', byte | 0x80, second | 0x80);
          continue;
        }
        // Single-byte G0: a delimiter, or a line end, brings back the initial state (PS3.5 §6.1.2.5.3).
        emit(runDecoder, byte);
        if (byte === 0x5c || byte === 0x0a || byte === 0x0d || byte === 0x0c || byte === 0x09 || (person && (byte === 0x3d || byte === 0x5e))) {
          g0 = this.initialG0;
          g1 = this.initialG1;
        }
        continue;
      }
      if (g1 === 'katakana') emit('euc-jp', 0x8e, byte);
      else if (g1 === 'ksx1001') emit('euc-kr', byte, bytes[++i] ?? 0xa1);
      else {
        flush();
        text += String.fromCharCode(byte);
      }
    }
    flush();
    return text;
  }
}

const decoders = { latin1: new TextDecoder('latin1'), 'euc-jp': new TextDecoder('euc-jp'), 'euc-kr': new TextDecoder('euc-kr') };

/** The defined terms with code extensions, and the state each starts in when it is the first value. */
const EXTENSION_TERMS: Record<string, { g0?: G0; g1?: G1 }> = {
  ISO_2022_IR_6: { g0: 'ascii' },
  ISO_2022_IR_13: { g0: 'jisx0201', g1: 'katakana' },
  ISO_2022_IR_87: {},
  ISO_2022_IR_159: {},
  ISO_2022_IR_100: { g1: 'latin1' },
  ISO_2022_IR_149: {},
};

/** The escape sequences (after ESC) of those terms. */
const ESCAPES: Array<{ bytes: number[]; g0?: G0; g1?: G1 }> = [
  { bytes: [0x28, 0x42], g0: 'ascii' }, // ESC ( B  IR 6
  { bytes: [0x28, 0x4a], g0: 'jisx0201' }, // ESC ( J  IR 14 (JIS X 0201 roman)
  { bytes: [0x29, 0x49], g1: 'katakana' }, // ESC ) I  IR 13
  { bytes: [0x24, 0x42], g0: 'jisx0208' }, // ESC $ B  IR 87
  { bytes: [0x24, 0x28, 0x44], g0: 'jisx0212' }, // ESC $ ( D  IR 159
  { bytes: [0x2d, 0x41], g1: 'latin1' }, // ESC - A  IR 100
  { bytes: [0x24, 0x29, 0x43], g1: 'ksx1001' }, // ESC $ ) C  IR 149
];
