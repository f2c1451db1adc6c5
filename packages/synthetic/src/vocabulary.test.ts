import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { forEachMasterRow, loadMasterNames } from './master-names.js';
import { demoVocabulary, type VocabularyEntry, type VocabularyKind } from './vocabulary.js';

/** The official masters, read where they are (the project does not ship them). */
const MASTERS_DIR = fileURLToPath(new URL('../../../../shared/masters/', import.meta.url));
const masterFile: Record<VocabularyKind, string> = {
  b: 'b_20240601.txt',
  z: 'z_20250601.txt',
  s: 's_ALL20240531.csv',
  y: 'y_ALL20240321.csv',
  t: 't_ALL20240315.csv',
};
/** 0-based columns of each master, as masters/README.md lists them. */
const ACTIVE = '99999999';

/** What the official master says about a vocabulary entry, in the vocabulary's terms. */
function fromMaster(kind: VocabularyKind, row: string[]): Partial<VocabularyEntry> & { abolished: string } {
  const at = (column: number) => row[column] ?? '';
  switch (kind) {
    case 'b':
      return { name: at(5), kana: at(9), icd10: at(15), abolished: at(23) };
    case 'z':
      return { name: at(6), modifierPosition: at(18) === 'A8000000' ? 'suffix' : 'prefix', abolished: at(15) };
    case 's':
      return { name: at(4), kana: at(6), section: at(84) + at(91), price: Number(at(11)), abolished: at(87) };
    case 'y':
      return { name: at(4), kana: at(6), yjCode: at(31), unit: at(9), unitCode: at(7), price: Number(at(11)), abolished: at(30) };
    case 't':
      return { name: at(4), ...(at(9) ? { unit: at(9) } : {}), price: Number(at(11)), abolished: at(29) };
  }
}

describe('the vocabulary against the official masters', () => {
  it.each(Object.keys(masterFile) as VocabularyKind[])('every %s code exists, in force, with the same name and attributes', async (kind) => {
    const entries = new Map(demoVocabulary.filter((entry) => entry.kind === kind).map((entry) => [entry.code, entry]));
    const found = new Map<string, ReturnType<typeof fromMaster>>();
    await forEachMasterRow(join(MASTERS_DIR, masterFile[kind]), (row) => {
      const code = row[2] ?? '';
      if (entries.has(code)) found.set(code, fromMaster(kind, row));
    });
    for (const [code, entry] of entries) {
      const official = found.get(code);
      expect(official, `${kind} ${code} ${entry.name} is not in ${masterFile[kind]}`).toBeDefined();
      const { abolished, ...attributes } = official ?? { abolished: '' };
      expect(abolished, `${kind} ${code} is abolished`).toBe(ACTIVE);
      const { kind: _kind, code: _code, ...ours } = entry;
      expect(ours, `${kind} ${code}`).toEqual(attributes);
    }
  });

  it('loadMasterNames finds a name for every vocabulary code, equal to the vocabulary name', async () => {
    const names = await loadMasterNames(MASTERS_DIR);
    for (const entry of demoVocabulary) expect(names[entry.kind].get(entry.code), `${entry.kind} ${entry.code}`).toBe(entry.name);
  });
});

describe('demoVocabulary', () => {
  it('has unique codes per master', () => {
    const keys = demoVocabulary.map((entry) => `${entry.kind}:${entry.code}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('covers the diagnoses behind the COVID-19 severity risk factors', () => {
    const icd10 = demoVocabulary.filter((entry) => entry.kind === 'b').map((entry) => entry.icd10 ?? '');
    for (const prefix of ['E11', 'E14', 'I10', 'N18', 'J44', 'J45', 'I50', 'I63', 'I69', 'C', 'E78', 'E66']) {
      expect(icd10.some((code) => code.startsWith(prefix)), prefix).toBe(true);
    }
  });

  it('includes の疑い (8002) as a suffix modifier', () => {
    expect(demoVocabulary).toContainEqual({ kind: 'z', code: '8002', name: 'の疑い', modifierPosition: 'suffix' });
  });
});
