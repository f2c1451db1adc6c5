import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveServerKeys, type Db, type Stores } from '@renkei/store';
import { openTestStores, testEngines } from '@renkei/store/testing';
import { AuditCheckpoints } from './audit-checkpoints.js';
import { appendAudit, type AuditEntry } from './audit-trail.js';
import { AuditWriter } from './audit-writer.js';
import { checkpointKey, checkpointLine, parseCheckpointLine, signCheckpoint } from './checkpoint.js';
import { auditCheckpointFile, checkpointLogName } from './checkpoint-file.js';
import { verifyAnchoredAuditTrail } from './verify-checkpoints.js';

const { audit: auditKey } = deriveServerKeys(Buffer.alloc(32, 3));
const entry = (i: number): AuditEntry => ({ actor: 'doctor-1', actorKind: 'person', action: 'patient.summary', outcome: 'allowed', detail: { i } });

/** What one with the database's owner rights can do: switch the guard off, change the table, switch it on. */
const tamper = (db: Db, table: string, sql: string) => db.exec(`ALTER TABLE ${table} DISABLE TRIGGER USER; ${sql}; ALTER TABLE ${table} ENABLE TRIGGER USER`);

describe.each(testEngines())('audit checkpoints on %s', (engine) => {
  let stores: Stores;
  let file: string;
  let checkpoints: AuditCheckpoints[];
  const writer = (options: { identity?: Db; intervalMs?: number } = {}) => {
    const started = new AuditCheckpoints({ clinical: stores.clinical, identity: options.identity ?? stores.identity, auditKey, file, intervalMs: options.intervalMs ?? 60_000 });
    checkpoints.push(started);
    return started;
  };
  const append = async (n: number) => {
    for (let i = 0; i < n; i++) await appendAudit(stores.clinical, auditKey, entry(i));
  };
  const verify = () => verifyAnchoredAuditTrail({ clinical: stores.clinical, identity: stores.identity, auditKey, file });
  const fileLines = async () => (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');

  beforeEach(async () => {
    stores = await openTestStores(engine);
    file = auditCheckpointFile(await mkdtemp(path.join(tmpdir(), 'renkei-checkpoints-')));
    checkpoints = [];
  });
  afterEach(async () => {
    for (const c of checkpoints) await c.stop().catch(() => undefined);
    await stores.close();
  });

  it('anchors a valid trail from two writers, at start, on the interval and at stop, and verifies it while appends and checkpoints go on', async () => {
    expect(await verify()).toEqual({ checked: 0, ok: true, checkpoints: { file: 0, store: 0 } });
    await append(3);
    const first = writer();
    await first.start();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await fileLines()).map((l) => parseCheckpointLine(l))).toEqual([expect.objectContaining({ writer: first.writer, seq: 1, id: 3 })]);
    // Nothing moved since the newest stored checkpoint: the second writer adds none.
    const second = writer({ intervalMs: 5 });
    await second.start();
    expect(await second.checkpoint()).toBeUndefined();
    expect(await fileLines()).toHaveLength(1);

    const audit = new AuditWriter(stores.clinical, auditKey);
    const verifications = [];
    for (let round = 0; round < 5; round++) {
      const appends = Array.from({ length: 20 }, (_, i) => audit.append(entry(round * 20 + i)));
      verifications.push(verify());
      await Promise.all([...appends, new Promise((resolve) => setTimeout(resolve, 10))]);
    }
    for (const v of await Promise.all(verifications)) expect(v).toMatchObject({ ok: true });
    const written = async () => (await fileLines()).map((l) => parseCheckpointLine(l)!);
    // The second writer's interval catches up with the chain.
    await expect.poll(async () => (await written()).some((c) => c.writer === second.writer && c.id === 103), { interval: 5 }).toBe(true);

    await append(1);
    await first.stop(); // its final checkpoint
    expect((await written()).filter((c) => c.writer === first.writer).map((c) => [c.seq, c.id])).toEqual([
      [1, 3],
      [2, 104],
    ]);
    await expect(first.checkpoint()).rejects.toThrow('not started');
    await second.stop();
    const all = await written();
    expect(await verify()).toEqual({ checked: 104, ok: true, checkpoints: { file: all.length, store: all.length }, checkpoint: { id: 104, at: expect.any(String) } });
  });

  it('catches a head moved back, and a cut tail with its head rewritten once a checkpoint covers it, also after the trail is written anew', async () => {
    await append(6);
    const anchor = writer();
    await anchor.start(); // covers records 1–6
    await append(2);
    await tamper(stores.clinical, 'audit_chain_head', `UPDATE audit_chain_head SET last_id = 7, last_hash = (SELECT hash FROM audit_events WHERE id = 7)`);
    expect(await verify()).toMatchObject({ ok: false, problem: 'the chain runs to record 8 but its head says 7: the head was moved back' });

    await tamper(stores.clinical, 'audit_events', 'DELETE FROM audit_events WHERE id > 4');
    await tamper(stores.clinical, 'audit_chain_head', `UPDATE audit_chain_head SET last_id = 4, last_hash = (SELECT hash FROM audit_events WHERE id = 4)`);
    const at = parseCheckpointLine((await fileLines())[0]!)!.at.replace(/\.\d{3}Z$/, 'Z');
    expect(await verify()).toEqual({
      checked: 4,
      ok: false,
      problem: `records 5–6 were removed after the checkpoint of ${at} (id 6)`,
      checkpoints: { file: 1, store: 1 },
      checkpoint: { id: 6, at: expect.any(String) },
      removed: { from: 5, to: 6 },
    });

    // The server goes on appending after the cut, and checkpoints the new chain.
    await append(5);
    await anchor.checkpoint();
    expect(await verify()).toMatchObject({ ok: false, problem: `record 6 is not the one the checkpoint of ${at} names: the trail was cut and written anew before it` });
  });

  it('catches a forged checkpoint, in the identity store and in the file, and keeps a line torn by a crash apart from the next', async () => {
    await append(2);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '{"writer":"torn');
    const genuine = writer();
    await genuine.start();
    const [torn, line] = await fileLines();
    expect(torn).toBe('{"writer":"torn');
    expect(checkpointLine(parseCheckpointLine(line!)!)).toBe(line + '\n');
    const tornLine = `line 1 of ${file} is not a checkpoint that verifies: it was forged or altered`;
    expect(await verify()).toMatchObject({ ok: false, problem: tornLine, checkpoints: { file: 1, store: 1 } });

    // One without the server key signs with another: a checkpoint far ahead, to make the trail look cut.
    const forged = signCheckpoint(checkpointKey(deriveServerKeys(Buffer.alloc(32, 9)).audit), {
      writer: genuine.writer,
      seq: 2,
      id: 99,
      hash: 'f'.repeat(64),
      at: new Date().toISOString(),
      log: checkpointLogName(file),
      stored: 1,
    });
    await stores.identity.query('INSERT INTO audit_checkpoints (writer, seq, chain_id, chain_hash, at, log, stored, hmac) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      forged.writer,
      forged.seq,
      forged.id,
      forged.hash,
      forged.at,
      forged.log,
      forged.stored,
      forged.hmac,
    ]);
    expect(await verify()).toMatchObject({
      ok: false,
      problem: `the checkpoint of writer ${genuine.writer.slice(0, 8)} no. 2 in the identity store does not verify: it was forged or altered; ${tornLine}`,
      checkpoint: { id: 2 },
    });

    // The genuine line altered to name another record, and a line that is no checkpoint at all.
    await writeFile(file, line!.replace('"id":2', '"id":1') + '\n' + 'not a checkpoint\n');
    expect((await verify()).problem).toContain(`${tornLine}; 2 lines of ${file} are not checkpoints that verify`);
  });

  it('catches checkpoints removed from the file or from the identity store, and goes on in the file while the identity store is out of reach', async () => {
    let identityDown = false;
    const flaky: Db = {
      ...stores.identity,
      query: ((sql: string, params?: unknown[]) => (identityDown && sql.includes('INSERT') ? Promise.reject(new Error('connection lost')) : stores.identity.query(sql, params))) as Db['query'],
    };
    const anchor = writer({ identity: flaky });
    await append(1);
    await anchor.start();
    // Checkpoints 2 and 3 reach the file only (as 3 would after a crash between the two writes); verification bears that.
    identityDown = true;
    for (let n = 2; n <= 3; n++) {
      await append(1);
      await expect(anchor.checkpoint()).rejects.toThrow('connection lost');
    }
    expect(await verify()).toMatchObject({ ok: true, checkpoints: { file: 3, store: 1 }, checkpoint: { id: 3 } });
    identityDown = false;
    for (let n = 4; n <= 5; n++) {
      await append(1);
      await anchor.checkpoint(); // stores 2 and 3 after 4 is in the file
    }
    expect(await verify()).toMatchObject({ ok: true, checkpoints: { file: 5, store: 5 } });
    const lines = await fileLines();
    expect(lines.map((l) => parseCheckpointLine(l)!.stored)).toEqual([0, 1, 1, 1, 4]);
    const writerId = anchor.writer.slice(0, 8);

    await writeFile(file, lines.slice(0, 3).join('\n') + '\n'); // the file cut after line 3
    expect((await verify()).problem).toBe(`checkpoints no. 4–5 of writer ${writerId} are missing from ${file}, though in the identity store: lines were removed`);
    await writeFile(file, [lines[0], lines[3], lines[4]].join('\n') + '\n'); // lines 2 and 3 taken out
    expect((await verify()).problem).toBe(`checkpoints no. 2–3 of writer ${writerId} are missing from ${file} before line 2: lines were removed`);
    await writeFile(file, ''); // emptied: the stored checkpoints still name this file
    expect((await verify()).problem).toBe(`checkpoints no. 1–5 of writer ${writerId} are missing from ${file}, though in the identity store: lines were removed`);

    await writeFile(file, lines.join('\n') + '\n');
    await tamper(stores.identity, 'audit_checkpoints', 'DELETE FROM audit_checkpoints WHERE seq >= 4');
    expect((await verify()).problem).toBe(`checkpoint no. 4 of writer ${writerId} is missing from the identity store, though stored according to ${file}: rows were removed`);
    await tamper(stores.identity, 'audit_checkpoints', 'DELETE FROM audit_checkpoints WHERE seq = 2');
    expect((await verify()).problem).toBe(
      `checkpoint no. 2 of writer ${writerId} is missing from the identity store: rows were removed; checkpoint no. 4 of writer ${writerId} is missing from the identity store, though stored according to ${file}: rows were removed`,
    );
  });
});
