import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { DemoCredentials } from '@renkei/demo';
import { readHistory } from '@renkei/history';
import { decryptField, enrollmentPseudonym, pseudonymsOfPerson } from '@renkei/identity';
import type { Db, ServerKeys } from '@renkei/store';
import type { Command } from 'commander';
import { withContext, type CommandContext } from '../context.js';
import { formatHistory } from '../format-history.js';
import { progressBar } from '../progress.js';
import { print, type CliIo } from '../io.js';

const DEMO_PERSONS = 300;
const DEMO_MONTHS = 12;

export function registerDemo(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('Seed the data directory (once) with demo claims, users, cards and a terminal certificate; write demo/credentials.json')
    .action(async (_options: unknown, command: Command) => {
      await withContext(io, command.optsWithGlobals().dataDir, async (context) => {
        const credentials = await seedDemo(context);
        const { credentialsFile } = await import('@renkei/demo');
        const { stores, keys } = context;
        print(io, `ログイン情報 / credentials: ${credentialsFile(context.config.dataDir)}`);
        print(io, `  端末証明書 / terminal certificate: ${credentials.terminal.p12} (password in the file)`);
        print(io, `  利用者 / users: ${credentials.users.map((u) => `${u.id} (${u.role})`).join(', ')}`);
        print(io, `  患者カード / cards: ${credentials.cards.length}`);
        // The demo shows one of its own synthetic persons; an operator asks by card (renkei history).
        const sample = await sampleDemoPerson(stores.identity, stores.clinical, keys);
        if (!sample) return;
        print(io, `\nサンプル: ${sample.command}\n`);
        print(io, formatHistory(await readHistory(stores.clinical, sample.pseudonyms)));
      });
    });
}

/** Seeds claims and the demo network if the data directory has none yet. */
export async function seedDemo({ config, stores, keys, io }: CommandContext): Promise<DemoCredentials> {
  // Loaded when seeding, not at the top: other commands start without the demo generator.
  const { seedDemoClaims, seedDemoNetwork, seedShowcasePatients } = await import('@renkei/demo');
  const claimsDir = path.join(config.dataDir, 'demo', 'claims');
  const bar = progressBar('ingest', true);
  const result = await seedDemoClaims(stores, keys, claimsDir, {
    persons: DEMO_PERSONS,
    months: DEMO_MONTHS,
    onStart: () => print(io, `Seeding ${config.dataDir} with demo claims for ${DEMO_PERSONS} persons …`),
    onFile: (done, total) => bar.update(done, total),
  });
  bar.stop();
  if (result.seeded) {
    print(io, `Ingested ${result.files} claims files.`);
    // The showcase patients (連携 花子, 連携 さくら): lapsed, suspected and cured diagnoses, two ARBs from two facilities, surgery.
    const showcaseDir = path.join(claimsDir, 'showcase');
    await mkdir(showcaseDir, { recursive: true });
    await seedShowcasePatients(stores, keys, showcaseDir);
  }
  return seedDemoNetwork(stores, keys, config.dataDir);
}

/** The demo person with the most diagnoses, and the command that shows them (all demo names are synthetic). */
async function sampleDemoPerson(identity: Db, clinical: Db, keys: ServerKeys): Promise<{ command: string; pseudonyms: string[] } | undefined> {
  const { rows } = await clinical.query<{ pseudonym: string }>(
    "SELECT r.pseudonym FROM receipts r JOIN events e ON e.receipt_id = r.id WHERE e.category = 'diagnosis' GROUP BY r.pseudonym ORDER BY count(DISTINCT e.code) DESC, r.pseudonym LIMIT 50",
  );
  const enrollments = await identity.query<{ person_id: string; member_key_hash: string; insurer_number: string; symbol_enc: Uint8Array; number_enc: Uint8Array; branch: string }>(
    'SELECT person_id, member_key_hash, insurer_number, symbol_enc, number_enc, branch FROM enrollments',
  );
  const byPseudonym = new Map(enrollments.rows.map((row) => [enrollmentPseudonym(keys.pseudonym, row.member_key_hash), row]));
  const e = rows.map((r) => byPseudonym.get(r.pseudonym)).find((row) => row !== undefined);
  if (!e) return undefined;
  const person = await identity.query<{ birth_date_enc: Uint8Array }>('SELECT birth_date_enc FROM persons WHERE id = $1', [e.person_id]);
  const card = [e.insurer_number, decryptField(keys.encryption, e.symbol_enc), decryptField(keys.encryption, e.number_enc), e.branch].filter((part, i) => i < 3 || part !== '');
  return {
    command: `renkei history --member ${card.join(':')} --birth ${decryptField(keys.encryption, person.rows[0]!.birth_date_enc)}`,
    pseudonyms: await pseudonymsOfPerson(identity, keys, e.person_id),
  };
}
