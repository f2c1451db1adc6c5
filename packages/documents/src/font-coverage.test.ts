import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FONT_DIR, FONT_FILES } from './fonts.js';

/** The official masters, read where they are (the project does not ship them). */
const MASTERS_DIR = fileURLToPath(new URL('../../../../shared/masters/', import.meta.url));
/** 0-based columns holding names (and readings) in each master, as masters/README.md lists them. */
const NAME_COLUMNS: Record<string, number[]> = { b: [5, 9], z: [6, 9], s: [4, 6], y: [4, 6], t: [4, 6] };
/**
 * Variant kanji of Japanese names that web subsets of fonts lack. Not 𠮷
 * (U+20BB7), which BIZ UDGothic lacks too: names reach Renkei in receipts,
 * whose CP932 cannot hold it (they write 吉), so no name can carry it yet.
 */
const NAME_VARIANTS = ['髙', '﨑', '德', '邉', '齋'];

/** The code points a font file maps to glyphs (fontconfig's reading of its cmap). */
function charsetOf(file: string): (codePoint: number) => boolean {
  const ranges = execFileSync('fc-query', ['--format', '%{charset}', file], { encoding: 'utf8' })
    .trim()
    .split(/\s+/)
    .map((range) => range.split('-').map((hex) => parseInt(hex, 16)))
    .map(([from, to]) => [from!, to ?? from!] as const);
  return (codePoint) => ranges.some(([from, to]) => codePoint >= from && codePoint <= to);
}

/** Every distinct character of the names in the masters (CP932 files, quoted CSV). */
function masterCharacters(): Set<string> {
  const characters = new Set<string>();
  const decoder = new TextDecoder('shift_jis');
  for (const file of readdirSync(MASTERS_DIR).filter((f) => /^[bzsyt]_.*\.(txt|csv)$/.test(f))) {
    const columns = NAME_COLUMNS[file[0]!]!;
    for (const line of decoder.decode(readFileSync(path.join(MASTERS_DIR, file))).split(/\r?\n/)) {
      const fields = line.split(',').map((f) => f.replace(/^"|"$/g, ''));
      for (const column of columns) for (const character of fields[column] ?? '') characters.add(character);
    }
  }
  return characters;
}

describe('the PDF font covers every name', () => {
  const characters = masterCharacters();

  it.each(Object.values(FONT_FILES))('%s has a glyph for every character of the masters’ names and for the variant kanji of names', (file) => {
    const has = charsetOf(path.join(FONT_DIR, file));
    expect(characters.size).toBeGreaterThan(1500);
    const missing = [...characters, ...NAME_VARIANTS].filter((c) => c.trim() !== '' && !has(c.codePointAt(0)!));
    expect(missing).toEqual([]);
  });

  it('is not asked for 𠮷, which no receipt can carry (CP932 has no code for it)', () => {
    expect(new TextDecoder('shift_jis').decode(new Uint8Array([0x8b, 0x67]))).toBe('吉');
    expect([...characters].some((c) => c.codePointAt(0)! > 0xffff)).toBe(false);
  });
});
