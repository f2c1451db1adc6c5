import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ingestClaimFiles, loadSections } from '@renkei/claims';
import { importVocabulary } from '@renkei/masters';
import type { ServerKeys, Stores } from '@renkei/store';
import { demoVocabulary, generateClaims } from '@renkei/synthetic';

/**
 * Generates synthetic claims for `persons` people over `months` into `claimsDir`
 * and ingests them, with the demo vocabulary as the master names. Does nothing
 * if the clinical store holds claims already.
 */
export async function seedDemoClaims(
  stores: Stores,
  keys: ServerKeys,
  claimsDir: string,
  options: { persons: number; months: number; seed?: number; onStart?: () => void; onFile?: (done: number, total: number) => void },
): Promise<{ seeded: boolean; files: number }> {
  const seeded = (await stores.clinical.query('SELECT 1 FROM claim_files LIMIT 1')).rows.length > 0;
  if (seeded) return { seeded: false, files: 0 };
  options.onStart?.();
  await importVocabulary(stores.clinical, demoVocabulary);
  await mkdir(claimsDir, { recursive: true });
  await generateClaims({ persons: options.persons, months: options.months, outDir: claimsDir, seed: options.seed ?? 1 });
  const files = (await readdir(claimsDir, { recursive: true })).filter((f) => /\.uke$/i.test(f)).sort();
  await ingestClaimFiles(
    stores,
    keys,
    files.map((file) => path.join(claimsDir, file)),
    { sections: await loadSections(stores.clinical), actor: 'demo:seed', onFile: (_result, i) => options.onFile?.(i + 1, files.length) },
  );
  return { seeded: true, files: files.length };
}
