import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditTrail } from '@renkei/audit';
import { deriveServerKeys, type Stores } from '@renkei/store';
import { openTestStores, testEngines } from '@renkei/store/testing';
import { UkeFormatError } from '@renkei/uke';
import { IncompleteDeliveryError, ingestClaimFile, ingestClaimFiles, undoIngest, UndoRefusedError } from '../src/index.js';
import { snapshotStores } from './stores-snapshot.js';

const samples = fileURLToPath(new URL('../../../../shared/uke-samples/', import.meta.url));
const shaho = path.join(samples, 'orca/shaho_201811.csv');
const keys = deriveServerKeys(Buffer.alloc(32, 11));

const IR = (billing: string, volume = '00') => `IR,1,37,1,1234567,,高松テスト医院,${billing},${volume},087-000-0000`;
const RE = (no: number, name: string, birth: string) => `RE,${no},1112,202410,${name},1,${birth},,,,,,,,,,,,,,,,,,,,,,,,,,,,,,`;
const HO = (number: string) => `HO,06370015,12,${number},1,300,,,,,,,,`;
const SY = (code: string) => `SY,${code},20241001,1,,,,`;
/** GO with the totals of the lines before it. */
const GO = (lines: string[], volume = '99') => {
  const claims = lines.filter((l) => /^(HO|KO),/.test(l));
  return `GO,${claims.length},${claims.reduce((n, l) => n + Number(l.split(',')[5]), 0)},${volume}`;
};

async function writeClaims(file: string, lines: string[], volume = '99'): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, iconv.encode([...lines, GO(lines, volume)].join('\r\n') + '\r\n', 'cp932'));
  return file;
}

/** Current medications (of receipts not replaced), per receipt of the facility. */
async function currentMedications(stores: Stores): Promise<number> {
  const { rows } = await stores.clinical.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM events e JOIN receipts r ON r.id = e.receipt_id WHERE e.category = 'medication' AND r.superseded_by IS NULL",
  );
  return rows[0]!.n;
}

async function auditActions(stores: Stores): Promise<string[]> {
  const { rows } = await stores.clinical.query<{ action: string; outcome: string }>('SELECT action, outcome FROM audit_events ORDER BY id');
  return rows.map((r) => `${r.action} ${r.outcome}`);
}

describe.each(testEngines())('complete deliveries on %s', (engine) => {
  let stores: Stores;
  let dir: string;
  beforeAll(async () => {
    stores = await openTestStores(engine);
    dir = await mkdtemp(path.join(tmpdir(), 'renkei-delivery-'));
  });
  afterAll(async () => stores.close());

  it('refuses a copy of shaho_201811 cut off in its last receipt, and the medications stay as the whole file left them', async () => {
    const whole = await ingestClaimFile(stores, keys, shaho);
    expect(whole).toMatchObject({ status: 'ingested', receipts: 27 });
    const medications = await currentMedications(stores);
    expect(medications).toBeGreaterThan(0);
    const before = await snapshotStores(stores);

    // Cut after the last receipt's first lines, as a broken transfer would: no GO.
    const lines = (await readFile(shaho, 'utf8')).split('\n');
    const lastReceipt = lines.findLastIndex((l) => l.startsWith('RE,'));
    const cut = path.join(dir, 'shaho_201811_cut.csv');
    await writeFile(cut, lines.slice(0, lastReceipt + 3).join('\n') + '\n');
    const error = await ingestClaimFile(stores, keys, cut).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UkeFormatError);
    expect((error as Error).message).toBe(`shaho_201811_cut.csv line ${lastReceipt + 3}: the file ends without its GO record (診療報酬請求書), so it is incomplete: ask the sender for the whole file`);

    // Cut in the middle of a line of the last receipt: refused too.
    const bytes = await readFile(shaho);
    const midLine = path.join(dir, 'shaho_201811_mid.csv');
    await writeFile(midLine, bytes.subarray(0, bytes.indexOf(Buffer.from(lines[lastReceipt + 4]!)) + 7));
    await expect(ingestClaimFile(stores, keys, midLine)).rejects.toBeInstanceOf(UkeFormatError);

    expect(await currentMedications(stores)).toBe(medications);
    expect(await snapshotStores(stores)).toEqual(before);
    expect((await auditActions(stores)).slice(-2)).toEqual(['claims.ingest refused', 'claims.ingest refused']);
  });

  it('refuses a file whose GO totals do not match, naming line, field and what the file holds', async () => {
    const before = await snapshotStores(stores);
    const text = (await readFile(shaho, 'utf8')).replace('GO,31,12529,99', 'GO,30,12529,99');
    const wrong = path.join(dir, 'shaho_wrong_total.csv');
    await writeFile(wrong, text);
    await expect(ingestClaimFile(stores, keys, wrong)).rejects.toThrow('shaho_wrong_total.csv GO line 235, field 総件数: 30 given, the file holds 31');
    expect(await snapshotStores(stores)).toEqual(before);
  });

  describe('a delivery on three volumes', () => {
    const volumes: string[] = [];
    beforeAll(async () => {
      const v1 = [IR('202411', '01'), RE(1, '讃岐　一郎', '19500101'), HO('101'), SY('8833421'), RE(2, '讃岐　二郎', '19510101'), HO('102'), SY('8833421')];
      const v2 = [IR('202411', '02'), RE(3, '讃岐　三郎', '19520101'), HO('103'), SY('8833421')];
      const v3 = [IR('202411', '03'), RE(4, '讃岐　四郎', '19530101'), HO('104'), SY('8833421')];
      volumes.push(
        await writeClaims(path.join(dir, 'volumes/1/RECEIPTC.UKE'), v1, '01'),
        await writeClaims(path.join(dir, 'volumes/2/RECEIPTC.UKE'), v2, '02'),
        await writeClaims(path.join(dir, 'volumes/3/RECEIPTC.UKE'), v3, '99'),
      );
    });

    it('changes nothing with one volume alone, or with a volume missing, and names the missing volume', async () => {
      const before = await snapshotStores(stores);
      await expect(ingestClaimFiles(stores, keys, [volumes[0]!])).rejects.toThrow(
        'RECEIPTC.UKE: volume 02 of the delivery of 3711234567 for 請求年月 2024-11 is missing (volume 01 has arrived, no file follows it)',
      );
      await expect(ingestClaimFiles(stores, keys, [volumes[0]!, volumes[2]!])).rejects.toThrow(
        'RECEIPTC.UKE: it is volume 03 of the delivery of 3711234567 for 請求年月 2024-11, and volume 02 is missing. Nothing was stored',
      );
      await expect(ingestClaimFiles(stores, keys, [volumes[1]!, volumes[2]!])).rejects.toThrow('it is volume 02 of the delivery of 3711234567 for 請求年月 2024-11, and volume 01 is missing');
      await expect(ingestClaimFiles(stores, keys, [volumes[0]!, shaho])).rejects.toBeInstanceOf(IncompleteDeliveryError);
      expect(await snapshotStores(stores)).toEqual(before);
    });

    it('commits all volumes together once the last has arrived, and an undo by any volume takes the whole delivery back', async () => {
      const before = await snapshotStores(stores);
      const results = await ingestClaimFiles(stores, keys, volumes);
      expect(results.map((r) => [r.status, r.volume, r.receipts])).toEqual([
        ['ingested', 1, 2],
        ['ingested', 2, 1],
        ['ingested', 3, 1],
      ]);
      const files = await stores.clinical.query<{ volume: number; delivery: number }>(
        'SELECT volume, count(*) OVER (PARTITION BY delivery_id)::int AS delivery FROM claim_files WHERE volume IS NOT NULL ORDER BY volume',
      );
      expect(files.rows).toEqual([
        { volume: 1, delivery: 3 },
        { volume: 2, delivery: 3 },
        { volume: 3, delivery: 3 },
      ]);
      expect(await undoIngest(stores, keys, results[1]!.sha256)).toMatchObject({ files: ['RECEIPTC.UKE', 'RECEIPTC.UKE', 'RECEIPTC.UKE'], receiptsRemoved: 4, receiptsRestored: 0 });
      expect(await snapshotStores(stores)).toEqual({ ...before, ...personsOf(await snapshotStores(stores)) });
    });
  });

  describe('undo and dry run', () => {
    let original: string;
    let correction: string;
    beforeAll(async () => {
      original = await writeClaims(path.join(dir, 'undo/a.UKE'), [IR('202411'), RE(1, '香川　太郎', '19600101'), HO('34'), SY('8833421'), RE(2, '香川　花子', '19620202'), HO('35'), SY('8833421')]);
      correction = await writeClaims(path.join(dir, 'undo/b.UKE'), [IR('202412'), RE(1, '香川　太郎', '19600101'), HO('34'), SY('2500013'), RE(2, '香川　花子', '19620202'), HO('35'), SY('8833421'), RE(3, '香川　三郎', '19640303'), HO('36'), SY('8833421')]);
    });

    it('tells what a delivery would do without storing anything: receipts new, replaced, unchanged; persons new and known', async () => {
      await ingestClaimFile(stores, keys, original);
      const before = await snapshotStores(stores);
      const audit = await auditActions(stores);
      const [plan] = await ingestClaimFiles(stores, keys, [correction], { dryRun: true });
      expect(plan).toMatchObject({ status: 'checked', receipts: 3, plan: { receiptsNew: 1, receiptsReplaced: 1, receiptsUnchanged: 1, personsNew: 1, personsKnown: 2 } });
      const [stored] = await ingestClaimFiles(stores, keys, [original], { dryRun: true });
      expect(stored).toMatchObject({ status: 'unchanged', plan: { receiptsNew: 0, receiptsReplaced: 0, receiptsUnchanged: 2, personsNew: 0, personsKnown: 2 } });
      await expect(ingestClaimFiles(stores, keys, [path.join(dir, 'shaho_201811_cut.csv')], { dryRun: true })).rejects.toThrow('the file ends without its GO record');
      expect(await snapshotStores(stores)).toEqual(before);
      expect(await auditActions(stores)).toEqual(audit);
    });

    it('undoes a correction: exactly the receipts and events there were before come back, and the audit trail records it', async () => {
      const before = await snapshotStores(stores);
      const corrected = await ingestClaimFile(stores, keys, correction);
      expect(corrected.superseded).toBe(2);
      await expect(undoIngest(stores, keys, (await ingestClaimFile(stores, keys, original)).sha256)).rejects.toThrow(
        `a.UKE: later deliveries corrected its receipts: b.UKE (${corrected.sha256}); undo them first`,
      );
      expect(await undoIngest(stores, keys, corrected.sha256)).toEqual({ sha256: corrected.sha256, files: ['b.UKE'], receiptsRemoved: 3, receiptsRestored: 2 });
      // The persons the correction registered stay in the identity store; all else is as before.
      const after = await snapshotStores(stores);
      expect(after).toEqual({ ...before, ...personsOf(after) });
      expect((await auditActions(stores)).slice(-3)).toEqual(['claims.ingest allowed', 'claims.ingest.undo refused', 'claims.ingest.undo allowed']);
      // Undone, the file may come again.
      expect(await ingestClaimFile(stores, keys, correction)).toMatchObject({ status: 'ingested', superseded: 2 });
      await expect(undoIngest(stores, keys, 'f'.repeat(64))).rejects.toThrow(UndoRefusedError);
      expect(await verifyAuditTrail(stores.clinical, keys.audit)).toMatchObject({ ok: true });
    });
  });
});

/** The identity store's person tables of a snapshot: an undo leaves persons registered. */
function personsOf(snapshot: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshot).filter(([table]) => ['identity.persons', 'identity.enrollments', 'identity.person_names'].includes(table)));
}
