import { createUser, Refusal, upsertFacility, type RequestContext, type Role } from '@renkei/access';
import { AuditLog } from '@renkei/audit';
import { deriveServerKeys, type Stores } from '@renkei/store';
import { openTestStores, testEngines } from '@renkei/store/testing';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExchangeService } from './exchange-service.js';
import { ExchangeMailer, retryDelayMs } from './mail-notices.js';
import { runRetention } from './retention.js';
import type { ExchangeStudies } from './studies.js';

const CLINIC = '3710112342';
const HOSPITAL = '3710100123';
const patient = { name: '仁尾 春子', kana: 'ニオ ハルコ', sex: 'female', birthDate: '1948-03-09', patientId: 'C-000123' } as const;
const consent = { obtainedOn: '2026-12-01', by: 'patient', obtainedBy: '受付 花子', form: 'written' } as const;

/** A user at their facility's terminal, as the gate hands them to the services. */
function contextOf(id: string, role: Role, facilityCode: string): RequestContext {
  return {
    terminal: { serial: '01', facilityCode, name: 'PC' },
    session: { tokenHash: id, terminalSerial: '01', user: { id, role, facilityCode, displayName: id, facilityName: null, mustChangePassword: false } },
    actor: { actor: id, actorKind: 'person', role, facility: facilityCode, terminal: '01' },
  };
}
const processContext: RequestContext = { terminal: null, session: null, actor: { actor: 'os:test', actorKind: 'person', role: 'operator', facility: null, terminal: null } };

const request = (extra: Record<string, unknown> = {}) => ({
  kind: 'reading' as const,
  to: { facility: HOSPITAL },
  patient,
  consent,
  subject: '胸部CT 読影のお願い',
  body: '結節影の評価をお願いします。',
  department: '',
  urgency: 'normal' as const,
  studies: ['1.2.3.4.5'],
  attachments: [],
  draft: false,
  ...extra,
});

/** A real SMTP server on a free port, keeping what it was given. */
async function startSmtp(): Promise<{ url: string; port: number; mails: Array<{ to: string[]; raw: string }>; close(): Promise<void> }> {
  const mails: Array<{ to: string[]; raw: string }> = [];
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A decoded mail body (quoted-printable or base64 parts as nodemailer writes them). */
function decoded(raw: string): string {
  const [, body = ''] = raw.split(/\r?\n\r?\n/, 2).length > 1 ? [raw.slice(0, raw.search(/\r?\n\r?\n/)), raw.slice(raw.search(/\r?\n\r?\n/))] : [raw, ''];
  if (/Content-Transfer-Encoding: base64/i.test(raw)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

describe.each(testEngines())('the exchange service on %s', (engine) => {
  let stores: Stores;
  let audit: AuditLog;
  const keys = deriveServerKeys(Buffer.alloc(32, 5));
  let now = new Date('2026-12-02T01:00:00Z');
  let service: ExchangeService;
  const released: string[] = [];
  const studies: ExchangeStudies = {
    async release(itemId, uids, { dryRun }) {
      if (!dryRun) released.push(itemId);
      return { instances: uids.length * 10, bytes: uids.length * 1000 };
    },
  };
  const clinicDoctor = contextOf('clinic-doctor', 'doctor', CLINIC);

  beforeAll(async () => {
    stores = await openTestStores(engine);
    audit = new AuditLog(stores, keys);
    await upsertFacility(stores.identity, { code: CLINIC, name: 'さぬき内科クリニック', kind: 'clinic' });
    await upsertFacility(stores.identity, { code: HOSPITAL, name: '香川中央病院', kind: 'hospital' });
    await stores.identity.query("UPDATE facilities SET status = 'active'");
    for (const [id, role, facility] of [
      ['clinic-doctor', 'doctor', CLINIC],
      ['liaison', 'liaison', HOSPITAL],
      ['liaison-2', 'liaison', HOSPITAL],
      ['radiologist', 'doctor', HOSPITAL],
    ] as const) {
      await createUser(stores.identity, { id, displayName: id, role, facilityCode: facility, password: 'a-long-enough-password' });
    }
    await stores.identity.query("UPDATE users SET email = id || '@example.jp' WHERE id <> 'liaison-2'");
    service = new ExchangeService({ stores, keys, audit, retentionDays: 365, networkName: 'テストネットワーク', studies, now: () => now });
  });
  afterAll(async () => {
    await audit?.stop();
    await stores?.close();
  });

  it('writes the notices with the change, and the mailer delivers them over SMTP without patient data; a mail server that is down only delays them', async () => {
    const smtp = await startSmtp();
    const { id } = await service.create(clinicDoctor, request());
    const queued = (await stores.clinical.query<{ user_id: string; notice: string }>('SELECT user_id, notice FROM exchange_mail_outbox ORDER BY user_id')).rows;
    expect(queued).toEqual([
      { user_id: 'liaison', notice: 'request' },
      { user_id: 'liaison-2', notice: 'request' },
    ]);
    // A refused change writes none.
    await expect(service.create(clinicDoctor, request({ consent: undefined }))).rejects.toThrow(Refusal);
    expect((await stores.clinical.query('SELECT 1 FROM exchange_mail_outbox')).rows).toHaveLength(2);

    // The mail server is down: the notice waits, the change stood.
    const closedPort = smtp.port;
    await smtp.close();
    const down = new ExchangeMailer(stores, { smtpUrl: `smtp://127.0.0.1:${closedPort}`, from: 'renkei@example.jp', inboxUrl: 'https://renkei.example.jp/exchanges', retryBaseMs: 1000 });
    expect(await down.deliverDue(now)).toEqual({ delivered: 0, failed: 1, dropped: 1 });
    await down.stop();
    const waiting = (await stores.clinical.query<{ attempts: number; next_attempt_at: Date }>("SELECT attempts, next_attempt_at FROM exchange_mail_outbox WHERE user_id = 'liaison'")).rows[0]!;
    expect(waiting.attempts).toBe(1);
    expect(waiting.next_attempt_at.getTime()).toBe(now.getTime() + 1000);

    const up = await startSmtp();
    const mailer = new ExchangeMailer(stores, { smtpUrl: up.url, from: 'renkei@example.jp', inboxUrl: 'https://renkei.example.jp/exchanges' });
    // Not before its retry time.
    expect((await mailer.deliverDue(now)).delivered).toBe(0);
    expect(await mailer.deliverDue(new Date(now.getTime() + 1000))).toEqual({ delivered: 1, failed: 0, dropped: 0 });
    expect(up.mails).toHaveLength(1);
    expect(up.mails[0]!.to).toEqual(['liaison@example.jp']);
    const text = decoded(up.mails[0]!.raw);
    expect(text).toContain('参加医療機関から新しい読影依頼が届きました');
    expect(text).toContain('https://renkei.example.jp/exchanges');
    for (const secret of [patient.name, patient.kana, patient.patientId, patient.birthDate, id, '胸部CT', 'さぬき']) expect(up.mails[0]!.raw + text).not.toContain(secret);
    // Delivered once only.
    expect((await mailer.deliverDue(new Date(now.getTime() + 60_000))).delivered).toBe(0);

    // The assignment and the report reach their users the same way.
    await service.open(contextOf('liaison', 'liaison', HOSPITAL), id);
    await service.assign(contextOf('liaison', 'liaison', HOSPITAL), id, 'radiologist');
    await service.report(contextOf('radiologist', 'doctor', HOSPITAL), id, { findings: '異常なし', impression: '正常', interim: false });
    expect((await mailer.deliverDue(new Date(now.getTime() + 60_000))).delivered).toBe(2);
    expect(up.mails.map((m) => m.to[0])).toEqual(['liaison@example.jp', 'radiologist@example.jp', 'clinic-doctor@example.jp']);
    expect(decoded(up.mails[2]!.raw)).toContain('報告が届きました');
    await mailer.stop();
    await up.close();
    expect(retryDelayMs(1, 30_000, 3_600_000)).toBe(30_000);
    expect(retryDelayMs(5, 30_000, 3_600_000)).toBe(480_000);
    expect(retryDelayMs(20, 30_000, 3_600_000)).toBe(3_600_000);
  });

  it('deletes items a year after sending with their studies, files and patient, once, and nothing before its day', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
    const { id } = await service.create(clinicDoctor, request({ attachments: [{ name: '皮膚写真.png', mediaType: 'image/png', content: png.toString('base64') }] }));
    const later = await (async () => {
      const saved = now;
      now = new Date('2027-03-01T01:00:00Z');
      const created = await service.create(clinicDoctor, request());
      now = saved;
      return created.id;
    })();
    const count = async () => ({
      items: (await stores.clinical.query<{ n: number }>('SELECT count(*)::int AS n FROM exchange_items')).rows[0]!.n,
      patients: (await stores.identity.query<{ n: number }>('SELECT count(*)::int AS n FROM exchange_patients')).rows[0]!.n,
    });
    const before = await count();

    // The day before: nothing.
    expect(await runRetention({ stores, audit, studies }, processContext, { now: new Date('2027-12-01T01:00:00Z') })).toEqual({ deletedItems: 0, deletedInstances: 0, deletedBytes: 0 });
    // A dry run counts and deletes nothing: the two items sent on 2026-12-02 (this test's and the previous one's),
    // which carry the same study: it is released, and counted, once.
    const dry = await runRetention({ stores, audit, studies }, processContext, { now: new Date('2027-12-02T01:00:00Z'), dryRun: true });
    expect(dry).toEqual({ deletedItems: 2, deletedInstances: 10, deletedBytes: 1000 + png.length });
    expect(await count()).toEqual(before);

    // A run killed after the clinical store and before the identity store: the next run finishes it.
    await stores.clinical.query('DELETE FROM exchange_items WHERE id = $1', [id]);
    const run = await runRetention({ stores, audit, studies }, processContext, { now: new Date('2027-12-02T01:00:00Z') });
    expect(run).toEqual({ deletedItems: 1, deletedInstances: 10, deletedBytes: 1000 });
    expect(await count()).toEqual({ items: before.items - 2, patients: before.patients - 2 });
    expect((await stores.identity.query('SELECT 1 FROM exchange_patients WHERE item_id = $1', [id])).rows).toHaveLength(0);
    expect((await stores.clinical.query('SELECT 1 FROM exchange_attachments')).rows).toHaveLength(0);
    // The later item stays until its own day; a second run changes nothing.
    expect((await stores.clinical.query('SELECT 1 FROM exchange_items WHERE id = $1', [later])).rows).toHaveLength(1);
    expect(await runRetention({ stores, audit, studies }, processContext, { now: new Date('2027-12-02T01:00:00Z') })).toEqual({ deletedItems: 0, deletedInstances: 0, deletedBytes: 0 });
    const trail = (await stores.clinical.query<{ detail: Record<string, unknown> }>("SELECT detail FROM audit_events WHERE action = 'exchange.retention'")).rows;
    expect(trail.map((t) => t.detail.items)).toEqual([1]);
    expect(JSON.stringify(trail)).not.toContain(patient.name);
  });

  it('records a look at a shared study once per session and minute, the first one always, and every refusal', async () => {
    const study = `1.2.392.200036.9116.${Date.now()}`;
    await service.create(clinicDoctor, request({ studies: [study] }));
    const outcomes = async () =>
      (await stores.clinical.query<{ outcome: string; actor: string }>("SELECT outcome, actor FROM audit_events WHERE action = 'exchange.study' AND detail->>'study' = $1 ORDER BY id", [study])).rows.map((r) => `${r.actor}:${r.outcome}`);
    const saved = now;
    try {
      // A stack of frames scrolled within the minute: one record, of the first look.
      for (let frame = 0; frame < 5; frame++) expect(await service.mayViewStudy(clinicDoctor, study)).toBe(true);
      expect(await outcomes()).toEqual(['clinic-doctor:allowed']);
      now = new Date(saved.getTime() + 59_999);
      expect(await service.mayViewStudy(clinicDoctor, study)).toBe(true);
      expect(await outcomes()).toEqual(['clinic-doctor:allowed']);
      // A minute after the recorded look: recorded again.
      now = new Date(saved.getTime() + 60_000);
      expect(await service.mayViewStudy(clinicDoctor, study)).toBe(true);
      expect(await outcomes()).toEqual(['clinic-doctor:allowed', 'clinic-doctor:allowed']);
      // Another session of the same user: its first look is its own record.
      const otherSession = { ...clinicDoctor, session: { ...clinicDoctor.session!, tokenHash: 'clinic-doctor-second-session' } };
      expect(await service.mayViewStudy(otherSession, study)).toBe(true);
      expect(await outcomes()).toHaveLength(3);
      // Someone who may not see it: every refusal is on the trail.
      const stranger = contextOf('radiologist', 'doctor', HOSPITAL);
      expect(await service.mayViewStudy(stranger, study)).toBe(false);
      expect(await service.mayViewStudy(stranger, study)).toBe(false);
      expect((await outcomes()).slice(3)).toEqual(['radiologist:refused', 'radiologist:refused']);
    } finally {
      now = saved;
    }
  });
});
