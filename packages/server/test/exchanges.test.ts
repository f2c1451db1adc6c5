import { createUser } from '@renkei/access';
import { pdfText } from '@renkei/documents/testing';
import { jstDate } from '@renkei/exchange';
import { encryptField } from '@renkei/identity';
import { testEngines } from '@renkei/store/testing';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUser, loggedInClients, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

const patient = { name: '仁尾 春子', kana: 'ニオ ハルコ', sex: 'female', birthDate: '1948-03-09', patientId: 'C-000123' };
const consent = { obtainedOn: '2026-12-01', by: 'patient', obtainedBy: '綾川 健', form: 'written' };

describe.each(testEngines())('consultations between facilities on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  let hospital: string;
  let clinic: string;
  const { as, close: closeClients } = loggedInClients(() => ({ network, server }));

  beforeAll(async () => {
    network = await openTestNetwork(engine);
    hospital = demoUser(network, 'demo-doctor').facility!;
    clinic = demoUser(network, 'demo-clinic-doctor').facility!;
    // A second doctor at the hospital, who must see none of their colleague's items.
    await createUser(network.stores.identity, { id: 'demo-doctor-2', displayName: '琴平 二郎（医師）', role: 'doctor', facilityCode: hospital, password: 'second-doctor-password' });
    network.credentials.users.push({ id: 'demo-doctor-2', password: 'second-doctor-password', role: 'doctor', facility: hospital });
    server = await startInjectedServer(network);
  });
  afterAll(async () => {
    await closeClients();
    await server?.close();
    await network?.close();
  });

  const readingRequest = (extra: Record<string, unknown> = {}) => ({
    kind: 'reading',
    to: { facility: hospital },
    patient,
    consent,
    subject: '胸部CT 読影のお願い',
    body: '2週間続く咳嗽。\n肺野の結節影の評価をお願いします。',
    urgency: 'urgent',
    replyBy: '2026-12-04T09:00:00+09:00',
    studies: ['1.2.392.200036.9116.2.6.1.48.1214834239.1234567890.123456'],
    ...extra,
  });

  it('lists times as the item shows them, and marks the items that retention deletes within 30 days', async () => {
    const clinicDoctor = await as('demo-clinic-doctor');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await clinicDoctor.call('POST', '/api/exchanges', readingRequest())).body.id as string);
    const jstToday = jstDate(new Date());
    const inDays = (days: number) => new Date(Date.parse(`${jstToday}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    const deleteOn = [inDays(10), inDays(30), inDays(31)];
    // As if sent long ago (a sent item is never edited, so the guard stands aside for the setup).
    await network.stores.clinical.transaction(async (tx) => {
      await tx.query('ALTER TABLE exchange_items DISABLE TRIGGER exchange_items_sent_unchanged');
      for (const [i, id] of ids.entries()) await tx.query('UPDATE exchange_items SET delete_on = $2 WHERE id = $1', [id, deleteOn[i]]);
      await tx.query('ALTER TABLE exchange_items ENABLE TRIGGER exchange_items_sent_unchanged');
    });

    const items = (await clinicDoctor.call('GET', '/api/exchanges?box=outbox')).body.items as Array<Record<string, unknown>>;
    const listed = ids.map((id) => items.find((i) => i.id === id)!);
    expect(listed.map((i) => [i.deleteOn, i.deletionDue])).toEqual([
      [deleteOn[0], true],
      [deleteOn[1], true],
      [deleteOn[2], false],
    ]);
    const opened = (await clinicDoctor.call('GET', `/api/exchanges/${ids[0]}`)).body;
    for (const field of ['createdAt', 'sentAt', 'replyBy', 'deleteOn', 'deletionDue']) expect(listed[0]![field]).toEqual(opened[field]);
    expect(listed[0]!.sentAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(listed[0]!.replyBy).toBe(new Date(readingRequest().replyBy).toISOString());
  });

  it('carries a reading request from the clinic to the hospital liaison, a radiologist and back, every step kept, the PDFs checked', async () => {
    const clinicDoctor = await as('demo-clinic-doctor');
    const created = await clinicDoctor.call('POST', '/api/exchanges', readingRequest());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    // The patient lives in the identity store; the clinical store holds no name, kana, birth date or patient ID.
    const clinicalText = (await network.stores.clinical.query('SELECT * FROM exchange_items WHERE id = $1', [id])).rows.map((r) => JSON.stringify(r)).join();
    for (const personal of [patient.name, patient.kana, patient.birthDate, patient.patientId, '仁尾', 'ハルコ']) expect(clinicalText).not.toContain(personal);
    expect((await network.stores.identity.query('SELECT count(*)::int AS n FROM exchange_patients WHERE item_id = $1', [id])).rows[0]).toEqual({ n: 1 });

    const outbox = await clinicDoctor.call('GET', '/api/exchanges?box=outbox');
    expect(outbox.status).toBe(200);
    const listed = outbox.body.items.find((i: { id: string }) => i.id === id);
    expect(listed).toMatchObject({ id, kind: 'reading', status: 'sent', urgency: 'urgent', from: { facility: clinic, userId: 'demo-clinic-doctor' }, to: { facility: hospital, userId: null }, unread: true });
    expect(listed.deleteOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Date.parse(listed.deleteOn) - Date.parse(listed.sentAt.slice(0, 10))).toBeGreaterThanOrEqual(364 * 86_400_000);

    // Addressed to the facility: the liaison receives it (first open), a doctor there does not yet see it.
    const doctor = await as('demo-doctor');
    expect((await doctor.call('GET', `/api/exchanges/${id}`)).status).toBe(404);
    const liaison = await as('demo-liaison');
    expect((await liaison.call('GET', '/api/exchanges?box=inbox')).body.items.map((i: { id: string }) => i.id)).toContain(id);
    const opened = await liaison.call('GET', `/api/exchanges/${id}`);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ status: 'received', patient, consent, studies: readingRequest().studies });
    // The liaison reads, but does not answer.
    expect((await liaison.call('POST', `/api/exchanges/${id}/report`, { findings: 'x', impression: 'y' })).status).toBe(403);

    expect((await liaison.call('POST', `/api/exchanges/${id}/assign`, { userId: 'demo-clinic-doctor' })).body.error.code).toBe('assignee-not-allowed');
    expect((await liaison.call('POST', `/api/exchanges/${id}/assign`, { userId: 'demo-doctor' })).status).toBe(200);

    expect((await doctor.call('GET', '/api/exchanges?box=inbox')).body.items.map((i: { id: string }) => i.id)).toContain(id);
    expect((await doctor.call('POST', `/api/exchanges/${id}/accept`)).status).toBe(200);
    const reported = await doctor.call('POST', `/api/exchanges/${id}/report`, { findings: '右上葉に 8 mm の充実性結節。', impression: '肺癌の疑い。精査を勧めます。' });
    expect(reported.status).toBe(200);
    expect(reported.body).toMatchObject({ status: 'final', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // Answered: no second report.
    expect((await doctor.call('POST', `/api/exchanges/${id}/report`, { decline: true, reason: '不在' })).body.error.code).toBe('exchange-status');

    const detail = (await clinicDoctor.call('GET', `/api/exchanges/${id}`)).body;
    expect(detail.status).toBe('final');
    expect(detail.steps.map((s: { step: string }) => s.step)).toEqual(['created', 'sent', 'received', 'assigned', 'accepted', 'final']);
    expect(detail.steps.map((s: { actor: string }) => s.actor)).toEqual(['demo-clinic-doctor', 'demo-clinic-doctor', 'demo-liaison', 'demo-liaison', 'demo-doctor', 'demo-doctor']);
    expect(detail.texts).toEqual([expect.objectContaining({ kind: 'final', author: 'demo-doctor', pdfSha256: reported.body.sha256 })]);

    const report = await clinicDoctor.call('GET', `/api/exchanges/${id}/report.pdf`);
    expect(report.status).toBe(200);
    expect(report.headers['content-type']).toBe('application/pdf');
    expect(createHash('sha256').update(report.raw).digest('hex')).toBe(reported.body.sha256);
    expect(report.headers['x-renkei-sha256']).toBe(reported.body.sha256);
    const text = pdfText(report.raw);
    for (const shown of ['所見', '右上葉に 8 mm', '肺癌の疑い', '仁尾 春子', '依頼元の主治医にあります', '香川 太郎']) expect(text).toContain(shown);
    // Rendered again from the stored record: the same bytes.
    expect((await doctor.call('GET', `/api/exchanges/${id}/report.pdf`)).raw.equals(report.raw)).toBe(true);

    const letter = await clinicDoctor.call('GET', `/api/exchanges/${id}/letter.pdf`);
    expect(createHash('sha256').update(letter.raw).digest('hex')).toBe(detail.letterSha256);
    expect(pdfText(letter.raw)).toContain('読影依頼書');

    // The trail has each access.
    const actions = (await network.stores.clinical.query<{ action: string }>("SELECT action FROM audit_events WHERE detail->>'item' = $1 ORDER BY id", [id])).rows.map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['exchange.create', 'exchange.receive', 'exchange.open', 'exchange.assign', 'exchange.accept', 'exchange.report', 'exchange.report-pdf', 'exchange.letter-pdf']));
  });

  it('refuses to send without the patient\'s consent, and stores nothing', async () => {
    const clinicDoctor = await as('demo-clinic-doctor');
    const before = (await network.stores.identity.query<{ n: number }>('SELECT count(*)::int AS n FROM exchange_patients')).rows[0]!.n;
    const refused = await clinicDoctor.call('POST', '/api/exchanges', readingRequest({ consent: undefined }));
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('consent-required');
    expect((await network.stores.identity.query<{ n: number }>('SELECT count(*)::int AS n FROM exchange_patients')).rows[0]!.n).toBe(before);
    const bad = await clinicDoctor.call('POST', '/api/exchanges', readingRequest({ urgency: 'urgent', replyBy: undefined }));
    expect(bad.status).toBe(400);
    expect((await clinicDoctor.call('POST', '/api/exchanges', readingRequest({ to: { facility: clinic } }))).body.error.code).toBe('addressee-unknown');
  });

  it('shows each item only to its parties: the same 404 for another doctor of the facility as for an unknown id; clerks read their facility\'s, change nothing', async () => {
    const clinicDoctor = await as('demo-clinic-doctor');
    const { id } = (await clinicDoctor.call('POST', '/api/exchanges', readingRequest({ to: { facility: hospital, userId: 'demo-doctor' } }))).body;
    const other = await as('demo-doctor-2');
    const forbidden = await other.call('GET', `/api/exchanges/${id}`);
    const unknown = await other.call('GET', '/api/exchanges/00000000-0000-4000-8000-000000000000');
    expect(forbidden.status).toBe(404);
    expect(forbidden.body).toEqual(unknown.body);
    for (const path of ['report.pdf', 'letter.pdf']) expect((await other.call('GET', `/api/exchanges/${id}/${path}`)).body).toEqual(unknown.body);
    expect((await other.call('POST', `/api/exchanges/${id}/report`, { decline: true, reason: '不在' })).body).toEqual(unknown.body);
    expect((await other.call('GET', '/api/exchanges?box=facility')).body.items.map((i: { id: string }) => i.id)).not.toContain(id);

    const clerk = await as('demo-clerk');
    expect((await clerk.call('GET', '/api/exchanges?box=facility')).body.items.map((i: { id: string }) => i.id)).toContain(id);
    const seen = await clerk.call('GET', `/api/exchanges/${id}`);
    expect(seen.status).toBe(200);
    // A clerk's look is not the receipt.
    expect(seen.body.status).toBe('sent');
    expect((await clerk.call('POST', `/api/exchanges/${id}/accept`)).status).toBe(403);
    expect((await clerk.call('POST', `/api/exchanges/${id}/addenda`, { text: '追記' })).status).toBe(403);
    expect((await clerk.call('POST', '/api/exchanges', readingRequest({ to: { facility: clinic } }))).body.error.code).toBe('exchange-read-only');

    // Roles outside the exchange are refused at the gate.
    const pharmacist = await as('demo-pharmacist');
    expect((await pharmacist.call('GET', '/api/exchanges?box=inbox')).status).toBe(403);

    // The addressee declines; nothing sent is edited, a correction is an addendum beside the first version.
    const doctor = await as('demo-doctor');
    expect((await doctor.call('POST', `/api/exchanges/${id}/report`, { decline: true, reason: '  ' })).body.error.code).toBe('decline-reason-required');
    expect((await doctor.call('POST', `/api/exchanges/${id}/report`, { decline: true, reason: '画像が読影できない画質です' })).status).toBe(200);
    expect((await clinicDoctor.call('POST', `/api/exchanges/${id}/addenda`, { text: '再撮影した画像を別途送ります。' })).status).toBe(201);
    const detail = (await clinicDoctor.call('GET', `/api/exchanges/${id}`)).body;
    expect(detail).toMatchObject({ status: 'declined', body: readingRequest().body });
    expect(detail.texts.map((t: { kind: string }) => t.kind)).toEqual(['declined', 'addendum']);
    expect(pdfText((await clinicDoctor.call('GET', `/api/exchanges/${id}/report.pdf`)).raw)).toContain('画像が読影できない画質です');
    await expect(network.stores.clinical.query("UPDATE exchange_items SET body = 'changed' WHERE id = $1", [id])).rejects.toThrow(/not edited/);
    await expect(network.stores.clinical.query("UPDATE exchange_texts SET reason = 'changed' WHERE item_id = $1", [id])).rejects.toThrow(/signed/);
  });

  it('lets a technologist prepare a request that only its clinician sends, with consent', async () => {
    const technologist = await as('demo-technologist');
    const prepared = await technologist.call('POST', '/api/exchanges', readingRequest({ to: { facility: clinic, userId: 'demo-clinic-doctor' }, for: 'demo-doctor', consent: undefined }));
    expect(prepared.status).toBe(201);
    expect(prepared.body.status).toBe('draft');
    const id = prepared.body.id;
    expect((await technologist.call('GET', '/api/exchanges?box=outbox')).body.items.map((i: { id: string }) => i.id)).toContain(id);
    expect((await technologist.call('POST', `/api/exchanges/${id}/send`, { consent })).status).toBe(403);
    // Not on the receiving side before it is sent.
    const clinicDoctor = await as('demo-clinic-doctor');
    expect((await clinicDoctor.call('GET', `/api/exchanges/${id}`)).status).toBe(404);
    const doctor = await as('demo-doctor');
    expect((await doctor.call('POST', `/api/exchanges/${id}/send`)).body.error.code).toBe('consent-required');
    expect((await doctor.call('POST', `/api/exchanges/${id}/send`, { consent })).status).toBe(200);
    expect((await clinicDoctor.call('GET', '/api/exchanges?box=inbox')).body.items.map((i: { id: string }) => i.id)).toContain(id);
    // Both directions at once: what the doctor sent and what reached them, newest first.
    const both = (await doctor.call('GET', '/api/exchanges?box=facility')).body.items as Array<{ id: string; createdAt: string; from: { userId: string }; to: { userId: string | null } }>;
    expect(both.map((i) => i.id)).toContain(id);
    expect(both.some((i) => i.to.userId === 'demo-doctor')).toBe(true);
    expect(both.map((i) => i.createdAt)).toEqual(both.map((i) => i.createdAt).sort().reverse());
    expect((await doctor.call('POST', `/api/exchanges/${id}/withdraw`, { reason: '患者の希望' })).status).toBe(200);
    expect((await clinicDoctor.call('GET', `/api/exchanges/${id}`)).body.status).toBe('withdrawn');
  });

  it('refuses a PDF whose stored record no longer renders the document signed', async () => {
    const clinicDoctor = await as('demo-clinic-doctor');
    const { id } = (await clinicDoctor.call('POST', '/api/exchanges', readingRequest({ kind: 'referral', to: { facility: hospital, userId: 'demo-doctor' } }))).body;
    expect((await clinicDoctor.call('GET', `/api/exchanges/${id}/letter.pdf`)).status).toBe(200);
    await network.stores.identity.query('UPDATE exchange_patients SET name_enc = $2 WHERE item_id = $1', [id, encryptField(network.keys.encryption, '別人 太郎')]);
    const altered = await clinicDoctor.call('GET', `/api/exchanges/${id}/letter.pdf`);
    expect(altered.status).toBe(503);
    expect(altered.body.error.code).toBe('document-altered');
  });

  it('counts readings per facility and reader for the month, as JSON, CSV with a BOM and PDF; declines are not readings', async () => {
    const month = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 7);
    const clerk = await as('demo-clerk');
    const stats = await clerk.call('GET', `/api/exchanges/stats?month=${month}`);
    expect(stats.status).toBe(200);
    const total = stats.body.rows.find((r: { facility: string; reader: string | null }) => r.facility === hospital && r.reader === null);
    expect(total).toMatchObject({ answered: 1, declined: 1 });
    expect(total.received).toBeGreaterThanOrEqual(2);
    expect(stats.body.rows.find((r: { reader: string | null }) => r.reader === 'demo-doctor')).toMatchObject({ answered: 1, declined: 1, reportsReturned: 1 });
    const csv = await clerk.call('GET', `/api/exchanges/stats?month=${month}&format=csv`);
    expect(csv.raw.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    expect(csv.raw.toString('utf8')).toContain('読影しない');
    expect(pdfText((await clerk.call('GET', `/api/exchanges/stats?month=${month}&format=pdf`)).raw)).toContain('読影件数の集計');
    expect((await clerk.call('GET', '/api/exchanges/stats?month=2026-13')).status).toBe(400);
  });

  it('deletes a patient\'s items on request (様式2) for the operator, keeps that it happened without contents, and issues the completion notice', async () => {
    const clinicDoctor = await as('demo-clinic-doctor');
    const other = { ...patient, name: '詫間 一郎', kana: 'タクマ イチロウ', sex: 'male', patientId: 'C-777', birthDate: '1960-01-02' };
    const first = (await clinicDoctor.call('POST', '/api/exchanges', readingRequest({ patient: other }))).body.id;
    const second = (await clinicDoctor.call('POST', '/api/exchanges', readingRequest({ patient: other, kind: 'share' }))).body.id;
    await clinicDoctor.call('POST', '/api/exchanges', readingRequest());
    const operator = await as('demo-operator');
    const lookup = { facility: clinic, patientId: 'C-777' };
    expect((await clinicDoctor.call('POST', '/api/admin/exchange-deletions/preview', { lookup })).status).toBe(403);
    const preview = await operator.call('POST', '/api/admin/exchange-deletions/preview', { lookup: { facility: hospital, name: 'タクマ イチロウ', birthDate: '1960-01-02' } });
    expect(preview.body.items.map((i: { id: string }) => i.id).sort()).toEqual([first, second].sort());

    const done = await operator.call('POST', '/api/admin/exchange-deletions', { lookup, receivedOn: '2026-12-01', reference: '様式2-0042' });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ deletedItems: 2, deletedInstances: 0, deletedBytes: 0, noticeSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await clinicDoctor.call('GET', `/api/exchanges/${first}`)).status).toBe(404);
    expect((await network.stores.identity.query('SELECT 1 FROM exchange_patients WHERE item_id = ANY($1::uuid[])', [[first, second]])).rows).toHaveLength(0);
    // The first patient's items stay.
    expect((await operator.call('POST', '/api/admin/exchange-deletions/preview', { lookup: { facility: clinic, patientId: patient.patientId } })).body.items.length).toBeGreaterThan(0);

    const notice = await operator.call('GET', `/api/admin/exchange-deletions/${done.body.id}/notice.pdf`);
    expect(createHash('sha256').update(notice.raw).digest('hex')).toBe(done.body.noticeSha256);
    const text = pdfText(notice.raw);
    for (const shown of ['データ削除完了通知', '様式2-0042', '2 件', '貴施設にて削除']) expect(text).toContain(shown);
    expect(text).not.toContain('詫間');
    const trail = (await network.stores.clinical.query<{ detail: Record<string, unknown> }>("SELECT detail FROM audit_events WHERE action = 'exchange.deletion-request' AND outcome = 'allowed'")).rows;
    expect(trail).toEqual([{ detail: expect.objectContaining({ request: done.body.id, items: 2, foundBy: 'patient-id' }) }]);
    expect(JSON.stringify(trail)).not.toMatch(/詫間|タクマ|C-777|1960-01-02/);
  });

  it('prints each addendum as PDF with the report before it and the addenda up to it, checked against the SHA-256 kept at signing', async () => {
    const clinicDoctor = await as('demo-clinic-doctor');
    const doctor = await as('demo-doctor');
    const { id } = (await clinicDoctor.call('POST', '/api/exchanges', readingRequest({ to: { facility: hospital, userId: 'demo-doctor' } }))).body;
    expect((await doctor.call('POST', `/api/exchanges/${id}/report`, { findings: '左下葉に索状影。', impression: '陳旧性炎症。' })).status).toBe(200);
    expect((await doctor.call('POST', `/api/exchanges/${id}/addenda`, { text: '訂正：索状影は右下葉です。' })).status).toBe(201);
    expect((await clinicDoctor.call('POST', `/api/exchanges/${id}/addenda`, { text: '前回CTを追加で送付します。' })).status).toBe(201);
    const texts = (await clinicDoctor.call('GET', `/api/exchanges/${id}`)).body.texts as Array<{ kind: string; pdfSha256: string | null }>;
    expect(texts.map((t) => t.kind)).toEqual(['final', 'addendum', 'addendum']);

    const first = await clinicDoctor.call('GET', `/api/exchanges/${id}/addenda/1.pdf`);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/pdf');
    expect(createHash('sha256').update(first.raw).digest('hex')).toBe(texts[1]!.pdfSha256);
    expect(first.headers['x-renkei-sha256']).toBe(texts[1]!.pdfSha256);
    const firstText = pdfText(first.raw);
    for (const shown of ['追記（第1号）', '左下葉に索状影。', '陳旧性炎症。', '訂正：索状影は右下葉です。', '仁尾 春子', '香川 太郎']) expect(firstText).toContain(shown);
    expect(firstText).not.toContain('前回CTを追加で送付します。');
    // The second is the report with both addenda; rendered again, the same bytes for either side.
    const second = await doctor.call('GET', `/api/exchanges/${id}/addenda/2.pdf`);
    expect(createHash('sha256').update(second.raw).digest('hex')).toBe(texts[2]!.pdfSha256);
    for (const shown of ['追記（第2号）', '左下葉に索状影。', '訂正：索状影は右下葉です。', '前回CTを追加で送付します。']) expect(pdfText(second.raw)).toContain(shown);
    expect((await doctor.call('GET', `/api/exchanges/${id}/addenda/1.pdf`)).raw.equals(first.raw)).toBe(true);

    // Another doctor of the hospital: the answer for an unknown item. An addendum the item lacks is not found.
    const other = await as('demo-doctor-2');
    const unknown = await other.call('GET', '/api/exchanges/00000000-0000-4000-8000-000000000000/addenda/1.pdf');
    expect(unknown.status).toBe(404);
    expect((await other.call('GET', `/api/exchanges/${id}/addenda/1.pdf`)).body).toEqual(unknown.body);
    for (const n of ['3', '0', 'x']) expect((await clinicDoctor.call('GET', `/api/exchanges/${id}/addenda/${n}.pdf`)).body.error.code).toBe('addendum-not-found');

    // The stored record changed: the addendum no longer renders as signed.
    await network.stores.identity.query('UPDATE exchange_patients SET name_enc = $2 WHERE item_id = $1', [id, encryptField(network.keys.encryption, '別人 太郎')]);
    const altered = await clinicDoctor.call('GET', `/api/exchanges/${id}/addenda/1.pdf`);
    expect(altered.status).toBe(503);
    expect(altered.body.error.code).toBe('document-altered');
    const trail = (await network.stores.clinical.query<{ outcome: string }>("SELECT outcome FROM audit_events WHERE action = 'exchange.addendum-pdf' AND detail->>'item' = $1 ORDER BY id", [id])).rows.map((r) => r.outcome);
    expect(trail).toEqual(['allowed', 'allowed', 'allowed', 'refused', 'refused', 'refused', 'refused', 'failed']);
  });
});
