import path from 'node:path';
import { createHash } from 'node:crypto';
import { createUser } from '@renkei/access';
import { pdfImages, pdfText } from '@renkei/documents/testing';
import { FileBlobStore } from '@renkei/imaging';
import { decodePng, newUid, stowBody, syntheticSlice, workFolder } from '@renkei/imaging/testing';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUser, loggedInClients, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

const BOUNDARY = 'exchange-key-images-boundary';
const consent = { obtainedOn: '2026-12-01', by: 'patient', obtainedBy: '綾川 健', form: 'written' };

describe.each(testEngines())('key images of a reading on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  let folder: Awaited<ReturnType<typeof workFolder>>;
  let hospital: string;
  const { as, close: closeClients } = loggedInClients(() => ({ network, server }));

  beforeAll(async () => {
    network = await openTestNetwork(engine);
    hospital = demoUser(network, 'demo-doctor').facility!;
    await createUser(network.stores.identity, { id: 'demo-doctor-2', displayName: '琴平 二郎（医師）', role: 'doctor', facilityCode: hospital, password: 'second-doctor-password' });
    network.credentials.users.push({ id: 'demo-doctor-2', password: 'second-doctor-password', role: 'doctor', facility: hospital });
    folder = await workFolder();
    server = await startInjectedServer(network, { imageBlobs: new FileBlobStore(path.join(folder.dir, 'images')) });
  });
  afterAll(async () => {
    await closeClients();
    await server?.close();
    await network?.close();
    await folder?.remove();
  });

  /** A study of three slices, series number 2, stored by the clinic's doctor. */
  async function storeStudy(patientId: string) {
    const study = newUid();
    const series = newUid();
    const sops = [newUid(), newUid(), newUid()];
    const parts = sops.map((sop, i) =>
      syntheticSlice({ studyUid: study, seriesUid: series, sopInstanceUid: sop, instanceNumber: i + 1, seriesNumber: 2, patientId, patientName: 'Nio^Haruko', birthDate: '19480309', studyDate: '20261201' }),
    );
    const reply = await (await as('demo-clinic-doctor')).raw({ method: 'POST', url: '/dicomweb/studies', headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}` }, payload: stowBody(BOUNDARY, parts) });
    expect(reply.statusCode).toBe(200);
    return { study, series, sops };
  }

  /** A reading request for the radiologist (demo-doctor) carrying `studies`, opened (received) by them. */
  async function sendReading(studies: string[], patientId: string): Promise<string> {
    const created = await (await as('demo-clinic-doctor')).call('POST', '/api/exchanges', {
      kind: 'reading',
      to: { facility: hospital, userId: 'demo-doctor' },
      patient: { name: '仁尾 春子', kana: 'ニオ ハルコ', sex: 'female', birthDate: '1948-03-09', patientId },
      consent,
      subject: '胸部CT 読影のお願い',
      body: '肺野の結節影の評価をお願いします。',
      urgency: 'normal',
      studies,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await (await as('demo-doctor')).call('GET', `/api/exchanges/${id}`)).body.status).toBe('received');
    return id;
  }

  const auditActions = async (item: string) =>
    (await network.stores.clinical.query<{ action: string; outcome: string }>("SELECT action, outcome FROM audit_events WHERE detail->>'item' = $1 AND action IN ('exchange.key-image-mark', 'exchange.key-image-remove') ORDER BY id", [item])).rows;

  it('lets the radiologist mark, list and take back key images, which the report lists; the sender lists them, nobody else sees them', async () => {
    const { study, series, sops } = await storeStudy('K-100');
    const id = await sendReading([study], 'K-100');
    const doctor = await as('demo-doctor');
    const sender = await as('demo-clinic-doctor');
    expect((await doctor.call('POST', `/api/exchanges/${id}/accept`)).status).toBe(200);

    const first = await doctor.call('POST', `/api/exchanges/${id}/key-images`, { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sops[1], note: '右上葉の結節' });
    expect(first.status).toBe(201);
    expect(first.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const second = await doctor.call('POST', `/api/exchanges/${id}/key-images`, { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sops[2], frame: 1 });
    expect(second.status).toBe(201);
    const third = await doctor.call('POST', `/api/exchanges/${id}/key-images`, { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sops[0] });
    expect(third.status).toBe(201);
    // The same frame twice is one key image.
    expect((await doctor.call('POST', `/api/exchanges/${id}/key-images`, { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sops[0] })).body.error.code).toBe('key-image-marked');

    const removed = await doctor.raw({ method: 'DELETE', url: `/api/exchanges/${id}/key-images/${third.body.id}` });
    expect(removed.statusCode).toBe(204);
    expect((await doctor.raw({ method: 'DELETE', url: `/api/exchanges/${id}/key-images/${third.body.id}` })).statusCode).toBe(404);

    const listed = await doctor.call('GET', `/api/exchanges/${id}/key-images`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      { id: first.body.id, studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sops[1], frame: 1, note: '右上葉の結節', markedAt: expect.any(String) },
      { id: second.body.id, studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sops[2], frame: 1, note: '', markedAt: expect.any(String) },
    ]);

    // The sender lists them, and marks or takes back none (seen, not theirs to do: 403).
    expect((await sender.call('GET', `/api/exchanges/${id}/key-images`)).body).toEqual(listed.body);
    const senderMarks = await sender.call('POST', `/api/exchanges/${id}/key-images`, { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sops[0] });
    expect(senderMarks.status).toBe(403);
    expect((await sender.raw({ method: 'DELETE', url: `/api/exchanges/${id}/key-images/${first.body.id}` })).statusCode).toBe(403);

    // Another doctor at the hospital: the item does not exist for them.
    const colleague = await as('demo-doctor-2');
    const unknown = await colleague.call('GET', '/api/exchanges/00000000-0000-4000-8000-000000000000/key-images');
    expect(unknown.status).toBe(404);
    const listedByColleague = await colleague.call('GET', `/api/exchanges/${id}/key-images`);
    expect(listedByColleague.status).toBe(404);
    expect(listedByColleague.body).toEqual(unknown.body);
    expect((await colleague.call('POST', `/api/exchanges/${id}/key-images`, { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sops[0] })).status).toBe(404);
    expect((await colleague.raw({ method: 'DELETE', url: `/api/exchanges/${id}/key-images/${first.body.id}` })).statusCode).toBe(404);

    // The report lists the key images that stood when it was signed.
    const reported = await doctor.call('POST', `/api/exchanges/${id}/report`, { findings: '右上葉に 8 mm の充実性結節。', impression: '肺癌の疑い。' });
    expect(reported.status).toBe(200);
    const report = await sender.call('GET', `/api/exchanges/${id}/report.pdf`);
    expect(report.status).toBe(200);
    expect(createHash('sha256').update(report.raw).digest('hex')).toBe(reported.body.sha256);
    const text = pdfText(report.raw);
    for (const shown of ['キー画像', 'シリーズ 2', '画像 2', '画像 3', 'フレーム 1', '右上葉の結節', sops[1]!, sops[2]!]) expect(text).toContain(shown);
    expect(text).not.toContain(sops[0]!);

    // Reported final: the key images it lists stay as signed; the reader marks more for an addendum.
    const signed = await doctor.raw({ method: 'DELETE', url: `/api/exchanges/${id}/key-images/${first.body.id}` });
    expect(signed.statusCode).toBe(409);
    expect(signed.json().error.code).toBe('key-image-signed');
    expect((await doctor.call('POST', `/api/exchanges/${id}/key-images`, { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sops[0] })).status).toBe(201);

    const actions = await auditActions(id);
    expect(actions.filter((a) => a.outcome === 'allowed').map((a) => a.action)).toEqual(['exchange.key-image-mark', 'exchange.key-image-mark', 'exchange.key-image-mark', 'exchange.key-image-remove', 'exchange.key-image-mark']);
    // The same frame twice, the second removal, the sender's two, the colleague's two, the one the final report lists.
    expect(actions.filter((a) => a.outcome === 'refused')).toHaveLength(7);
  });

  it('draws each key image in the report as its frame was rendered when marked, its place and note beside it', async () => {
    const { study, series, sops } = await storeStudy('K-150');
    const id = await sendReading([study], 'K-150');
    const doctor = await as('demo-doctor');
    expect((await doctor.call('POST', `/api/exchanges/${id}/accept`)).status).toBe(200);
    expect((await doctor.call('POST', `/api/exchanges/${id}/key-images`, { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sops[2], note: '左下葉の結節' })).status).toBe(201);
    expect((await doctor.call('POST', `/api/exchanges/${id}/key-images`, { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sops[0] })).status).toBe(201);
    const stored = await network.stores.clinical.query<{ picture_sealed: Buffer | null }>('SELECT picture_sealed FROM exchange_key_images WHERE item_id = $1', [id]);
    // Sealed at rest: no PNG signature in the store.
    expect(stored.rows.map((r) => r.picture_sealed !== null && !Buffer.from(r.picture_sealed).includes(Buffer.from('\x89PNG', 'latin1')))).toEqual([true, true]);

    const reported = await doctor.call('POST', `/api/exchanges/${id}/report`, { findings: '左下葉に 6 mm の結節。', impression: '経過観察。' });
    expect(reported.status).toBe(200);
    const report = await (await as('demo-clinic-doctor')).call('GET', `/api/exchanges/${id}/report.pdf`);
    expect(createHash('sha256').update(report.raw).digest('hex')).toBe(reported.body.sha256);
    const images = pdfImages(report.raw);
    expect(images.map((i) => [i.page, i.width, i.height])).toEqual([[1, 64, 64], [1, 64, 64]]);
    // The pictures are the marked frames, in the order marked, as the viewer's rendered endpoint draws them.
    for (const [n, sop] of [[0, sops[2]], [1, sops[0]]] as const) {
      const rendered = await doctor.raw({ method: 'GET', url: `/dicomweb/studies/${study}/series/${series}/instances/${sop}/frames/1/rendered`, headers: { accept: 'image/png' } });
      expect(rendered.statusCode).toBe(200);
      const png = await decodePng(rendered.rawPayload);
      const differing = Array.from({ length: 64 * 64 }, (_, p) => images[n]!.gray[p]! - png.grey(p % 64, Math.floor(p / 64))).filter((d) => d !== 0);
      expect(differing).toEqual([]);
    }
    const text = pdfText(report.raw);
    expect(text).toMatch(/キー画像\s+1\. シリーズ 2\s+画像 3\s+フレーム 1\s+左下葉の結節\s+SOP Instance UID (\S+)\s+2\. シリーズ 2\s+画像 1\s+フレーム 1\s+SOP Instance UID (\S+)/);
    for (const sop of [sops[2]!, sops[0]!]) expect(text).toContain(sop);
  });

  it('lists by its place a key image without a picture, and keeps a text signed before pictures were drawn as it was signed', async () => {
    const { study, series, sops } = await storeStudy('K-160');
    const id = await sendReading([study], 'K-160');
    const doctor = await as('demo-doctor');
    expect((await doctor.call('POST', `/api/exchanges/${id}/accept`)).status).toBe(200);
    const marked = await doctor.call('POST', `/api/exchanges/${id}/key-images`, { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sops[1] });
    expect(marked.status).toBe(201);
    // A mark without a picture (made before pictures were kept, or of a frame not rendered here) is listed by its place.
    const { rows } = await network.stores.clinical.query<{ picture_sealed: Buffer }>('SELECT picture_sealed FROM exchange_key_images WHERE id = $1', [marked.body.id]);
    await network.stores.clinical.query('UPDATE exchange_key_images SET picture_sealed = NULL WHERE id = $1', [marked.body.id]);
    const reported = await doctor.call('POST', `/api/exchanges/${id}/report`, { findings: '所見なし。', impression: '異常なし。' });
    const listedOnly = await doctor.call('GET', `/api/exchanges/${id}/report.pdf`);
    expect(createHash('sha256').update(listedOnly.raw).digest('hex')).toBe(reported.body.sha256);
    expect(pdfImages(listedOnly.raw)).toEqual([]);
    expect(pdfText(listedOnly.raw)).toContain(sops[1]!);

    // A report signed before texts drew pictures (draws_key_images unset, migration 100) renders as signed even if its key image has one.
    await network.stores.clinical.query('UPDATE exchange_key_images SET picture_sealed = $2 WHERE id = $1', [marked.body.id, rows[0]!.picture_sealed]);
    await network.stores.clinical.exec('ALTER TABLE exchange_texts DISABLE TRIGGER exchange_texts_unchanged');
    try {
      await network.stores.clinical.query('UPDATE exchange_texts SET draws_key_images = false WHERE item_id = $1', [id]);
    } finally {
      await network.stores.clinical.exec('ALTER TABLE exchange_texts ENABLE TRIGGER exchange_texts_unchanged');
    }
    const asSigned = await doctor.call('GET', `/api/exchanges/${id}/report.pdf`);
    expect(asSigned.status).toBe(200);
    expect(asSigned.raw.equals(listedOnly.raw)).toBe(true);
  });

  it('keeps an interim report as signed when a key image it listed is taken back, and lists the later ones in the final report', async () => {
    const { study, series, sops } = await storeStudy('K-300');
    const id = await sendReading([study], 'K-300');
    const doctor = await as('demo-doctor');
    const mark = async (sop: string, note: string) => (await doctor.call('POST', `/api/exchanges/${id}/key-images`, { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sop, note })).body.id as string;
    const early = await mark(sops[0]!, '中間報告の画像');
    const interim = await doctor.call('POST', `/api/exchanges/${id}/report`, { findings: '結節あり。', impression: '追加の検討中。', interim: true });
    expect(interim.body.status).toBe('interim');
    // Still writing: the reader changes the key images.
    expect((await doctor.raw({ method: 'DELETE', url: `/api/exchanges/${id}/key-images/${early}` })).statusCode).toBe(204);
    await mark(sops[2]!, '最終報告の画像');
    const asSigned = await doctor.call('GET', `/api/exchanges/${id}/report.pdf`);
    expect(asSigned.status).toBe(200);
    expect(asSigned.headers['x-renkei-sha256']).toBe(interim.body.sha256);
    expect(pdfText(asSigned.raw)).toContain('中間報告の画像');
    expect(pdfText(asSigned.raw)).not.toContain('最終報告の画像');

    const final = await doctor.call('POST', `/api/exchanges/${id}/report`, { findings: '結節あり。', impression: '肺癌の疑い。' });
    const text = pdfText((await doctor.call('GET', `/api/exchanges/${id}/report.pdf`)).raw);
    expect(final.body.status).toBe('final');
    expect(text).toContain('最終報告の画像');
    expect(text).not.toContain('中間報告の画像');
  });

  it('lists the key images marked after the final report in the reader\'s addendum, which keeps them as signed', async () => {
    const { study, series, sops } = await storeStudy('K-400');
    const id = await sendReading([study], 'K-400');
    const doctor = await as('demo-doctor');
    const sender = await as('demo-clinic-doctor');
    const mark = async (sop: string, note: string) => {
      const marked = await doctor.call('POST', `/api/exchanges/${id}/key-images`, { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sop, note });
      expect(marked.status).toBe(201);
      return marked.body.id as string;
    };
    await mark(sops[0]!, '報告の画像');
    expect((await doctor.call('POST', `/api/exchanges/${id}/report`, { findings: '右上葉に結節。', impression: '経過観察。' })).body.status).toBe('final');

    // After the final report: marked for an addendum, and taken back until one lists it.
    const added = await mark(sops[1]!, '追記の画像');
    const changedMind = await mark(sops[2]!, '取り消す画像');
    expect((await doctor.raw({ method: 'DELETE', url: `/api/exchanges/${id}/key-images/${changedMind}` })).statusCode).toBe(204);
    // The sender's addendum lists none of the reader's marks; the reader's next one does.
    expect((await sender.call('POST', `/api/exchanges/${id}/addenda`, { text: '前回CTを追加で送付します。' })).status).toBe(201);
    expect((await doctor.call('POST', `/api/exchanges/${id}/addenda`, { text: '追加画像：右上葉の結節は前回より増大。' })).status).toBe(201);
    const signed = await doctor.raw({ method: 'DELETE', url: `/api/exchanges/${id}/key-images/${added}` });
    expect(signed.statusCode).toBe(409);
    expect(signed.json().error.code).toBe('key-image-signed');
    await mark(sops[2]!, '第3号の画像');
    expect((await doctor.call('POST', `/api/exchanges/${id}/addenda`, { text: '下葉にも所見あり。' })).status).toBe(201);

    const texts = (await sender.call('GET', `/api/exchanges/${id}`)).body.texts as Array<{ pdfSha256: string | null }>;
    const addendum = async (n: number) => {
      const pdf = await sender.call('GET', `/api/exchanges/${id}/addenda/${n}.pdf`);
      expect(pdf.status).toBe(200);
      expect(createHash('sha256').update(pdf.raw).digest('hex')).toBe(texts[n]!.pdfSha256);
      return pdfText(pdf.raw);
    };
    const bySender = await addendum(1);
    expect(bySender).toContain('前回CTを追加で送付します。');
    expect(bySender).not.toContain('キー画像');
    const byReader = await addendum(2);
    for (const shown of ['追記（第2号）', '追加画像：右上葉の結節は前回より増大。', 'キー画像', 'シリーズ 2', '画像 2', 'フレーム 1', '追記の画像', sops[1]!]) expect(byReader).toContain(shown);
    for (const absent of ['報告の画像', sops[0]!, '取り消す画像', sops[2]!]) expect(byReader).not.toContain(absent);
    // The third: each addendum with the key images it added.
    const third = await addendum(3);
    expect(third.split('キー画像')).toHaveLength(3);
    expect(third.indexOf('追記の画像')).toBeLessThan(third.indexOf('下葉にも所見あり。'));
    expect(third.indexOf('第3号の画像')).toBeGreaterThan(third.indexOf('下葉にも所見あり。'));
    expect(third).not.toContain('報告の画像');
    // The report itself still lists only its own.
    const report = pdfText((await sender.call('GET', `/api/exchanges/${id}/report.pdf`)).raw);
    expect(report).toContain('報告の画像');
    expect(report).not.toContain('追記の画像');
  });

  it('closes marking on a declined or withdrawn reading', async () => {
    const { study, series, sops } = await storeStudy('K-500');
    const doctor = await as('demo-doctor');
    const declined = await sendReading([study], 'K-500');
    const kept = (await doctor.call('POST', `/api/exchanges/${declined}/key-images`, { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sops[0] })).body.id as string;
    expect((await doctor.call('POST', `/api/exchanges/${declined}/report`, { decline: true, reason: '不在のため' })).body.status).toBe('declined');
    const withdrawn = await sendReading([study], 'K-500');
    expect((await (await as('demo-clinic-doctor')).call('POST', `/api/exchanges/${withdrawn}/withdraw`, { reason: '依頼先変更' })).status).toBe(200);
    for (const id of [declined, withdrawn]) {
      const refused = await doctor.call('POST', `/api/exchanges/${id}/key-images`, { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sops[1] });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('key-images-closed');
    }
    const removal = await doctor.raw({ method: 'DELETE', url: `/api/exchanges/${declined}/key-images/${kept}` });
    expect(removal.statusCode).toBe(409);
    expect(removal.json().error.code).toBe('key-images-closed');
  });

  it('refuses an instance that is not in a study attached to the item', async () => {
    const attached = await storeStudy('K-200');
    const other = await storeStudy('K-201');
    const id = await sendReading([attached.study], 'K-200');
    const doctor = await as('demo-doctor');
    const mark = (body: Record<string, unknown>) => doctor.call('POST', `/api/exchanges/${id}/key-images`, body);
    // A study not attached, an instance of another study under an attached study's UID, a series that is not the instance's, a frame it does not have, an instance nobody stored.
    for (const body of [
      { studyInstanceUid: other.study, seriesInstanceUid: other.series, sopInstanceUid: other.sops[0] },
      { studyInstanceUid: attached.study, seriesInstanceUid: other.series, sopInstanceUid: other.sops[0] },
      { studyInstanceUid: attached.study, seriesInstanceUid: other.series, sopInstanceUid: attached.sops[0] },
      { studyInstanceUid: attached.study, seriesInstanceUid: attached.series, sopInstanceUid: attached.sops[0], frame: 2 },
      { studyInstanceUid: attached.study, seriesInstanceUid: attached.series, sopInstanceUid: newUid() },
    ]) {
      const refused = await mark(body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('key-image-not-attached');
    }
    expect((await mark({ studyInstanceUid: attached.study, seriesInstanceUid: attached.series, sopInstanceUid: 'not-a-uid' })).status).toBe(400);
    expect((await doctor.call('GET', `/api/exchanges/${id}/key-images`)).body).toEqual({ items: [] });
    // Received, not yet accepted: the reader marks already.
    expect((await mark({ studyInstanceUid: attached.study, seriesInstanceUid: attached.series, sopInstanceUid: attached.sops[0] })).status).toBe(201);
  });
});
