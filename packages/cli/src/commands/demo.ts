import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ingestClaimFile, loadSections } from '@renkei/claims';
import { readHistory } from '@renkei/history';
import { decryptField, pseudonymFor } from '@renkei/identity';
import { importVocabulary } from '@renkei/masters';
import { demoVocabulary, generateClaims } from '@renkei/synthetic';
import type { Command } from 'commander';
import { withContext } from '../context.js';
import { formatHistory } from '../format-history.js';
import { progressBar } from '../progress.js';

const DEMO_PERSONS = 300;
const DEMO_MONTHS = 12;

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Seed the data directory with demo claims (once) and show one person\'s history')
    .action(async (_options: unknown, command: Command) => {
      await withContext(command.optsWithGlobals().dataDir, async ({ config, stores, keys }) => {
        const claimsDir = path.join(config.dataDir, 'demo', 'claims');
        const seeded = (await stores.clinical.query('SELECT 1 FROM claim_files LIMIT 1')).rows.length > 0;
        if (!seeded) {
          console.log(`Seeding ${config.dataDir} with demo claims for ${DEMO_PERSONS} persons …`);
          await importVocabulary(stores.clinical, demoVocabulary);
          await mkdir(claimsDir, { recursive: true });
          await generateClaims({ persons: DEMO_PERSONS, months: DEMO_MONTHS, outDir: claimsDir, seed: 1 });
          const files = (await readdir(claimsDir, { recursive: true })).filter((f) => /\.uke$/i.test(f)).sort();
          const sectionOf = await loadSections(stores.clinical);
          const bar = progressBar('ingest', true);
          for (const [i, file] of files.entries()) {
            await ingestClaimFile(stores, keys, path.join(claimsDir, file), { sectionOf, actor: 'demo:seed' });
            bar.update(i + 1, files.length);
          }
          bar.stop();
          console.log(`Ingested ${files.length} claims files.`);
        }
        // The demo shows the person with the most diagnoses; a real operator asks by card (renkei history).
        const { rows } = await stores.clinical.query<{ pseudonym: string }>(
          "SELECT pseudonym FROM events WHERE category = 'diagnosis' GROUP BY pseudonym ORDER BY count(DISTINCT code) DESC, pseudonym LIMIT 1",
        );
        if (rows.length === 0) return;
        const person = await findDemoPerson(stores.identity, keys, rows[0]!.pseudonym);
        console.log(`\nサンプル: ${person}\n`);
        console.log(formatHistory(await readHistory(stores.clinical, [rows[0]!.pseudonym])));
      });
    });
}

/** The demo's own sample person, named for the console (all demo names are synthetic). */
async function findDemoPerson(identity: import('@renkei/store').Db, keys: import('@renkei/store').ServerKeys, pseudonym: string): Promise<string> {
  const persons = await identity.query<{ id: string; birth_date_enc: Uint8Array }>('SELECT id, birth_date_enc FROM persons');
  const person = persons.rows.find((p) => pseudonymFor(keys.pseudonym, p.id) === pseudonym);
  if (!person) return pseudonym;
  const enrollment = await identity.query<{ insurer_number: string; symbol_enc: Uint8Array; number_enc: Uint8Array; branch: string }>(
    'SELECT insurer_number, symbol_enc, number_enc, branch FROM enrollments WHERE person_id = $1 ORDER BY last_service_month DESC LIMIT 1',
    [person.id],
  );
  const e = enrollment.rows[0]!;
  const member = [e.insurer_number, decryptField(keys.encryption, e.symbol_enc), decryptField(keys.encryption, e.number_enc), e.branch].filter((p, i) => i < 3 || p !== '').join(':');
  return `renkei history --member ${member} --birth ${decryptField(keys.encryption, person.birth_date_enc)}`;
}
