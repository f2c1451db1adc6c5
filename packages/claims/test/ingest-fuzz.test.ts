/**
 * Mutated sample files, ingested one by one: each ends in success or a one-line
 * refusal that names where the file is wrong, never a crash or a hang; a
 * refused file leaves both stores as they were; the audit trail verifies at
 * the end. Seeded and bounded: the same cases every run. The engines share the
 * cases out (case n on engine n mod engines): the parser is the same on both, and
 * each engine still undoes its own refused and accepted files.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditTrail } from '@renkei/audit';
import { deriveServerKeys, type Stores } from '@renkei/store';
import { openTestStores, testEngines } from '@renkei/store/testing';
import { UkeFormatError } from '@renkei/uke';
import { IncompleteDeliveryError, ingestClaimFile, undoIngest } from '../src/index.js';
import { snapshotStores } from './stores-snapshot.js';

const samples = fileURLToPath(new URL('../../../../shared/uke-samples/', import.meta.url));
const SAMPLES = ['receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE', 'orca/01.csv', 'orca/02.csv', 'orca/03.csv', 'orca/04.csv', 'orca/05.csv', 'orca/kokuho_201811.csv', 'orca/shaho_201811.csv', 'orca/shika_shaho.csv'];
const CASES = Number(process.env.RENKEI_FUZZ_CASES ?? 200);
const SEED = 15;
/** Far more than a sample file takes on the slowest engine: a case that takes longer hangs. */
const CASE_LIMIT_MS = 20_000;
const keys = deriveServerKeys(Buffer.alloc(32, 15));

/** mulberry32: a small seeded generator, the same numbers on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = 'byte flip' | 'truncation' | 'dropped line' | 'duplicated line' | 'NUL bytes' | 'huge field';
const MUTATIONS: Mutation[] = ['byte flip', 'truncation', 'dropped line', 'duplicated line', 'NUL bytes', 'huge field'];

function lineStarts(bytes: Buffer): number[] {
  const starts = [0];
  for (let i = 0; i < bytes.length - 1; i++) if (bytes[i] === 0x0a) starts.push(i + 1);
  return starts;
}

function mutate(bytes: Buffer, mutation: Mutation, next: () => number): Buffer {
  const at = (n: number) => Math.floor(next() * n);
  const starts = lineStarts(bytes);
  const line = at(starts.length);
  const lineStart = starts[line]!;
  const lineEnd = starts[line + 1] ?? bytes.length;
  switch (mutation) {
    case 'byte flip': {
      const copy = Buffer.from(bytes);
      for (let n = 1 + at(3); n > 0; n--) copy[at(copy.length)]! ^= 1 + at(255);
      return copy;
    }
    case 'truncation':
      return bytes.subarray(0, at(bytes.length));
    case 'dropped line':
      return Buffer.concat([bytes.subarray(0, lineStart), bytes.subarray(lineEnd)]);
    case 'duplicated line':
      return Buffer.concat([bytes.subarray(0, lineEnd), bytes.subarray(lineStart, lineEnd), bytes.subarray(lineEnd)]);
    case 'NUL bytes': {
      const where = at(bytes.length);
      return Buffer.concat([bytes.subarray(0, where), Buffer.alloc(1 + at(3)), bytes.subarray(where)]);
    }
    case 'huge field': {
      // A field of 10 000 to 200 000 characters in place of one of the line's fields.
      const fields = bytes.subarray(lineStart, lineEnd).toString('latin1').split(',');
      const index = at(fields.length);
      const filler = next() < 0.5 ? '9' : 'A';
      fields[index] = filler.repeat(10_000 + at(190_000)) + (index === fields.length - 1 ? '\r\n' : '');
      return Buffer.concat([bytes.subarray(0, lineStart), Buffer.from(fields.join(','), 'latin1'), bytes.subarray(lineEnd)]);
    }
  }
}

/** Persons registered by an undone file stay (see undoIngest). */
function withoutPersons(snapshot: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshot).filter(([table]) => !['identity.persons', 'identity.enrollments', 'identity.person_names'].includes(table)));
}

describe.each(testEngines())('ingest of mutated sample files on %s', (engine) => {
  const engines = testEngines();
  const share = (n: number) => n % engines.length === engines.indexOf(engine);
  let stores: Stores;
  let dir: string;
  beforeAll(async () => {
    stores = await openTestStores(engine);
    dir = await mkdtemp(path.join(tmpdir(), 'renkei-fuzz-'));
  });
  afterAll(async () => stores.close());

  it(`ends each of its share of ${CASES} cases in success or a one-line refusal, and a refused file changes nothing`, { timeout: CASES * CASE_LIMIT_MS }, async () => {
    const originals = await Promise.all(SAMPLES.map((s) => readFile(path.join(samples, s))));
    const next = random(SEED);
    const outcomes: Record<Mutation, { accepted: number; refused: number }> = Object.fromEntries(MUTATIONS.map((m) => [m, { accepted: 0, refused: 0 }])) as never;
    let snapshot = await snapshotStores(stores);
    const started = performance.now();
    for (let n = 0; n < CASES; n++) {
      const sample = Math.floor(next() * SAMPLES.length);
      const mutation = MUTATIONS[Math.floor(next() * MUTATIONS.length)]!;
      const mutated = mutate(originals[sample]!, mutation, next);
      if (!share(n)) continue;
      const name = `case-${n}-${path.basename(SAMPLES[sample]!)}`;
      const file = path.join(dir, name);
      await writeFile(file, mutated);
      const label = `case ${n} (seed ${SEED}): ${mutation} of ${SAMPLES[sample]}`;
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        ingestClaimFile(stores, keys, file).then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        ),
        new Promise<{ hang: true }>((resolve) => (timer = setTimeout(() => resolve({ hang: true }), CASE_LIMIT_MS))),
      ]);
      clearTimeout(timer);
      if ('hang' in outcome) throw new Error(`${label}: no answer within ${CASE_LIMIT_MS} ms`);
      if ('error' in outcome) {
        const error = outcome.error as Error;
        expect(error instanceof UkeFormatError || error instanceof IncompleteDeliveryError, `${label}: ${error.stack}`).toBe(true);
        expect(error.message, label).not.toMatch(/[\r\n]/);
        expect(error.message.length, label).toBeLessThan(400);
        expect(await snapshotStores(stores), `${label}: the refused file changed the stores`).toEqual(snapshot);
        outcomes[mutation].refused++;
      } else {
        expect(outcome.result, label).toMatchObject({ status: expect.stringMatching(/^(ingested|unchanged)$/) });
        outcomes[mutation].accepted++;
        // Undone, an accepted file leaves the receipts as they were: the store stays small, and the undo is checked too.
        if (outcome.result.status === 'ingested') {
          await undoIngest(stores, keys, outcome.result.sha256);
          const after = await snapshotStores(stores);
          expect(withoutPersons(after), `${label}: the undo left receipts behind`).toEqual(withoutPersons(snapshot));
          snapshot = after;
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const cased = Object.values(outcomes).reduce((sum, o) => sum + o.accepted + o.refused, 0);
    console.log(`${cased} of ${CASES} mutated files on ${engine} in ${seconds.toFixed(1)} s: ${JSON.stringify(outcomes)}`);
    expect(cased).toBe(Array.from({ length: CASES }, (_, n) => n).filter(share).length);
    // A truncation that cuts into the file can leave no GO at its end, so it is never accepted.
    expect(outcomes.truncation.accepted).toBe(0);
    expect(await verifyAuditTrail(stores.clinical, keys.audit)).toMatchObject({ ok: true });
  });
});
