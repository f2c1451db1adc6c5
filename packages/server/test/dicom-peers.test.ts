/**
 * DICOM peers in the 管理 console (the AE titles each facility registers, with
 * the address they connect from and where studies are sent back to), and the
 * export of a study to one by C-STORE, received by dcmtk's storescp.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { dataSetOf, FileBlobStore } from '@renkei/imaging';
import { freePort, newUid, startStorescp, stowBody, syntheticSlice, workFolder } from '@renkei/imaging/testing';
import { testEngines } from '@renkei/store/testing';
import { facilities } from '@renkei/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, demoUser, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

const hospital = facilities.find((f) => f.kind === 'hospital')!.code;
const clinic = facilities.find((f) => f.kind === 'clinic')!.code;
const BOUNDARY = 'export-test-boundary';

describe.each(testEngines())('DICOM peers on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  let folder: Awaited<ReturnType<typeof workFolder>>;
  let pacs: Awaited<ReturnType<typeof startStorescp>>;
  beforeAll(async () => {
    network = await openTestNetwork(engine);
    folder = await workFolder();
    server = await startInjectedServer(network, { imageBlobs: new FileBlobStore(path.join(folder.dir, 'images')) });
    pacs = await startStorescp('HOSP_PACS', folder.dir);
  });
  afterAll(async () => {
    await pacs?.stop();
    await server?.close();
    await network?.close();
    await folder?.remove();
  });

  const signedIn = (role: string) => Client.signedIn(server, network, role);
  const auditOf = async (action: string) =>
    (await network.stores.clinical.query<{ actor: string; outcome: string; pseudonym: string | null; detail: Record<string, unknown> }>('SELECT actor, outcome, pseudonym, detail FROM audit_events WHERE action = $1 ORDER BY id', [action])).rows;

  it('a facility administrator registers, changes and removes their own facility\'s AE titles, the operator any facility\'s, each audited', async () => {
    const admin = await signedIn('facility-admin');
    const operator = await signedIn('operator');
    const created = await admin.call('POST', '/api/admin/dicom-peers', { facilityCode: hospital, aeTitle: ' CT_ROOM2 ', address: '192.0.2.20' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ aeTitle: 'CT_ROOM2', facilityCode: hospital, address: '192.0.2.20', exportTo: null, created: true });
    // Again: its address and export change; it stays the hospital's.
    const changed = await admin.call('POST', '/api/admin/dicom-peers', { facilityCode: hospital, aeTitle: 'CT_ROOM2', address: null, exportTo: { host: 'pacs.example.jp', port: 104 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ address: null, exportTo: { host: 'pacs.example.jp', port: 104 }, created: false });
    expect((await network.stores.identity.query('SELECT address, export_host, export_port FROM dicom_peers WHERE ae_title = $1', ['CT_ROOM2'])).rows).toEqual([{ address: null, export_host: 'pacs.example.jp', export_port: 104 }]);

    // The operator registers the clinic's; the hospital's administrator sees only the hospital's, and cannot take or remove the clinic's.
    expect((await operator.call('POST', '/api/admin/dicom-peers', { facilityCode: clinic, aeTitle: 'CLINIC_US' })).status).toBe(201);
    const own = await admin.call('GET', '/api/admin/dicom-peers');
    expect(own.status).toBe(200);
    expect(own.body.gatewayAeTitle).toBe('RENKEI');
    expect(own.body.peers.map((p: { aeTitle: string }) => p.aeTitle)).toContain('CT_ROOM2');
    expect(own.body.peers.every((p: { facilityCode: string }) => p.facilityCode === hospital)).toBe(true);
    expect(own.body.facilities.map((f: { code: string }) => f.code)).toEqual([hospital]);
    expect((await operator.call('GET', '/api/admin/dicom-peers')).body.peers.map((p: { aeTitle: string }) => p.aeTitle)).toEqual(expect.arrayContaining(['CT_ROOM2', 'CLINIC_US']));
    const taken = await admin.call('POST', '/api/admin/dicom-peers', { facilityCode: hospital, aeTitle: 'CLINIC_US' });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'ae-title-taken']);
    const otherFacility = await admin.call('POST', '/api/admin/dicom-peers', { facilityCode: clinic, aeTitle: 'SNEAKY' });
    expect([otherFacility.status, otherFacility.body.error.code]).toEqual([404, 'facility-not-found']);
    const notTheirs = await admin.call('POST', `/api/admin/dicom-peers/CLINIC_US/remove`);
    const unknown = await admin.call('POST', `/api/admin/dicom-peers/NOBODY/remove`);
    expect([notTheirs.status, notTheirs.body]).toEqual([unknown.status, unknown.body]);
    expect(unknown.status).toBe(404);
    expect((await network.stores.identity.query("SELECT 1 FROM dicom_peers WHERE ae_title = 'CLINIC_US'")).rows).toHaveLength(1);

    // Removed: the gateway no longer knows it.
    expect((await admin.call('POST', '/api/admin/dicom-peers/CT_ROOM2/remove')).body).toEqual({ aeTitle: 'CT_ROOM2', removed: true });
    expect((await network.stores.identity.query("SELECT 1 FROM dicom_peers WHERE ae_title = 'CT_ROOM2'")).rows).toHaveLength(0);
    expect((await operator.call('POST', '/api/admin/dicom-peers/CLINIC_US/remove')).status).toBe(200);

    // Staff who administer nothing are refused by the gate.
    const doctor = await signedIn('doctor');
    expect((await doctor.call('GET', '/api/admin/dicom-peers')).status).toBe(403);
    expect((await doctor.call('POST', '/api/admin/dicom-peers', { facilityCode: hospital, aeTitle: 'X' })).status).toBe(403);

    const registered = await auditOf('dicom-peer.register');
    expect(registered).toContainEqual(expect.objectContaining({ actor: 'demo-facility-admin', outcome: 'allowed', detail: expect.objectContaining({ aeTitle: 'CT_ROOM2', facility: hospital, address: '192.0.2.20', created: true }) }));
    expect(registered).toContainEqual(expect.objectContaining({ actor: 'demo-facility-admin', outcome: 'refused', detail: expect.objectContaining({ aeTitle: 'CLINIC_US', reason: 'ae-title-taken' }) }));
    expect(registered).toContainEqual(expect.objectContaining({ actor: 'demo-facility-admin', outcome: 'refused', detail: expect.objectContaining({ facility: clinic, reason: 'facility-not-found' }) }));
    expect(await auditOf('dicom-peer.remove')).toContainEqual(expect.objectContaining({ actor: 'demo-facility-admin', outcome: 'refused', detail: expect.objectContaining({ aeTitle: 'CLINIC_US', reason: 'dicom-peer-not-found' }) }));
    expect(await auditOf('dicom-peer.list')).toContainEqual(expect.objectContaining({ actor: 'demo-facility-admin', outcome: 'allowed' }));
    await Promise.all([admin.close(), operator.close(), doctor.close()]);
  });

  it('refuses AE titles outside the DICOM default repertoire, and addresses, hosts and ports that are none, each with its code', async () => {
    const admin = await signedIn('facility-admin');
    const refused = async (peer: Record<string, unknown>) => {
      const reply = await admin.call('POST', '/api/admin/dicom-peers', { facilityCode: hospital, aeTitle: 'GOOD_AE', ...peer });
      return `${reply.status} ${reply.body.error?.code}`;
    };
    for (const aeTitle of ['', '    ', 'A'.repeat(17), 'BACK\\SLASH', 'TAB\tAE', 'NEW\nLINE', 'ＣＴ全角', 'DEL\u007f']) expect(await refused({ aeTitle })).toBe('400 ae-title-invalid');
    expect(await refused({ aeTitle: `  ${'A'.repeat(16)}  ` })).not.toBe('400 ae-title-invalid');
    for (const address of ['not-an-ip', '192.0.2.300', '10.0.0.1/24']) expect(await refused({ address })).toBe('400 peer-address-invalid');
    for (const host of ['bad host', '-leading.example', '1.2.3.999', 'a'.repeat(64) + '.example']) expect(await refused({ exportTo: { host, port: 104 } })).toBe('400 export-host-invalid');
    for (const port of [0, 65536, -1]) expect(await refused({ exportTo: { host: 'pacs.example.jp', port } })).toBe('400 export-port-invalid');
    expect((await network.stores.identity.query("SELECT 1 FROM dicom_peers WHERE ae_title = 'GOOD_AE'")).rows).toHaveLength(0);
    // An IPv6 address and an IPv4-mapped one are addresses.
    expect((await admin.call('POST', '/api/admin/dicom-peers', { facilityCode: hospital, aeTitle: 'V6_MODALITY', address: '2001:db8::10' })).status).toBe(201);
    expect((await admin.call('POST', '/api/admin/dicom-peers', { facilityCode: hospital, aeTitle: 'V6_MODALITY', address: '::ffff:192.0.2.7' })).body.address).toBe('192.0.2.7');
    expect((await auditOf('dicom-peer.register')).filter((r) => r.outcome === 'refused' && r.detail.reason === 'ae-title-invalid')).toHaveLength(8);
    await admin.close();
  });

  it('sends a study, or some of its series, to the facility\'s own PACS by C-STORE, the data sets byte for byte; another facility\'s PACS is as unknown', async () => {
    const study = newUid();
    const [ct, mr] = [newUid(), newUid()];
    const files = [
      ...[1, 2, 3].map((n) => syntheticSlice({ studyUid: study, seriesUid: ct, instanceNumber: n, rows: 64, columns: 64, patientName: 'Kagawa^Taro', patientId: 'KARTE-0901' })),
      syntheticSlice({ studyUid: study, seriesUid: mr, instanceNumber: 1, modality: 'MR', seriesNumber: 2, rows: 64, columns: 64, patientName: 'Kagawa^Taro', patientId: 'KARTE-0901' }),
    ];
    const technologist = await signedIn('technologist');
    const user = demoUser(network, 'technologist');
    const terminal = network.credentials.terminals.find((t) => t.facility === user.facility)!;
    const body = stowBody(BOUNDARY, files);
    const stored = await server.app.inject({
      method: 'POST',
      url: '/dicomweb/studies',
      headers: { 'x-ssl-client-verify': 'SUCCESS', 'x-ssl-client-serial': terminal.serial, cookie: technologist.cookieHeader(), 'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}` },
      payload: body,
      remoteAddress: '127.0.0.1',
    });
    expect(stored.statusCode).toBe(200);

    const admin = await signedIn('facility-admin');
    const operator = await signedIn('operator');
    expect((await admin.call('POST', '/api/admin/dicom-peers', { facilityCode: hospital, aeTitle: 'HOSP_PACS', exportTo: { host: '127.0.0.1', port: pacs.port } })).status).toBe(201);
    expect((await admin.call('POST', '/api/admin/dicom-peers', { facilityCode: hospital, aeTitle: 'HOSP_CT' })).status).toBe(201);
    // The clinic's PACS, reachable at the same place: still not the hospital's to send to.
    expect((await operator.call('POST', '/api/admin/dicom-peers', { facilityCode: clinic, aeTitle: 'CLINIC_PACS', exportTo: { host: '127.0.0.1', port: pacs.port } })).status).toBe(201);

    // What the viewer offers to send to: the own facility's PACSs that receive studies, by AE title only.
    const targets = await technologist.call('GET', '/api/images/export-targets');
    expect(targets.status).toBe(200);
    expect(targets.body.items.map((t: { aeTitle: string }) => t.aeTitle)).toEqual(['HOSP_PACS']);
    expect(JSON.stringify(targets.body)).not.toContain(String(pacs.port));
    const clinician = await signedIn('demo-clinic-doctor');
    const clinicTargets = await clinician.call('GET', '/api/images/export-targets');
    expect(clinicTargets.body.items.map((t: { aeTitle: string }) => t.aeTitle)).toEqual(['CLINIC_PACS']);
    await clinician.close();

    const sent = await technologist.call('POST', `/api/images/studies/${study}/export`, { peer: 'HOSP_PACS' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ peer: 'HOSP_PACS', sent: 4, failed: 0 });
    expect(sent.body.instances.map((i: { ok: boolean; status: number }) => [i.ok, i.status])).toEqual([[true, 0], [true, 0], [true, 0], [true, 0]]);
    const received = async () => {
      const names = (await readdir(folder.dir)).filter((n) => /^(CT|MR)\./.test(n));
      return Promise.all(names.map(async (n) => dataSetOf(await readFile(path.join(folder.dir, n)))));
    };
    const arrived = await received();
    expect(arrived).toHaveLength(4);
    // The PACS wrote its own File Meta group; the data sets are the ones sent to Renkei, byte for byte.
    for (const file of files) expect(arrived.some((d) => d.equals(dataSetOf(file)))).toBe(true);

    const mrOnly = await technologist.call('POST', `/api/images/studies/${study}/export`, { peer: 'HOSP_PACS', series: [mr] });
    expect(mrOnly.body).toMatchObject({ sent: 1, failed: 0, instances: [{ seriesUid: mr, ok: true }] });

    // Another facility's PACS, one that receives no studies, and an unknown AE title: the same 404.
    const answers = await Promise.all(['CLINIC_PACS', 'HOSP_CT', 'NO_SUCH_PACS'].map((peer) => technologist.call('POST', `/api/images/studies/${study}/export`, { peer })));
    for (const answer of answers) expect([answer.status, answer.body]).toEqual([404, answers[2]!.body]);
    expect(answers[2]!.body.error.code).toBe('dicom-peer-not-found');
    // Someone who does not see the study: the study is not found, whatever the PACS.
    const clinicDoctor = await signedIn('demo-clinic-doctor');
    const unseen = await clinicDoctor.call('POST', `/api/images/studies/${study}/export`, { peer: 'CLINIC_PACS' });
    expect([unseen.status, unseen.body.error.code]).toEqual([404, 'study-not-found']);
    // Nothing more arrived than the five sent.
    expect((await readdir(folder.dir)).filter((n) => /^(CT|MR)\./.test(n)).length).toBeLessThanOrEqual(5);

    const trail = await auditOf('images.export');
    expect(trail.filter((r) => r.outcome === 'allowed').map((r) => [r.actor, r.detail.peer, r.detail.instances])).toEqual([
      ['demo-technologist', 'HOSP_PACS', 4],
      ['demo-technologist', 'HOSP_PACS', 1],
    ]);
    expect(trail.filter((r) => r.outcome === 'allowed').every((r) => r.pseudonym !== null)).toBe(true);
    expect(trail.filter((r) => r.outcome === 'refused').map((r) => r.detail.reason)).toEqual(['dicom-peer-not-found', 'dicom-peer-not-found', 'dicom-peer-not-found', 'study-not-found']);
    expect(JSON.stringify(trail)).not.toContain('Kagawa');
    await Promise.all([technologist.close(), admin.close(), operator.close(), clinicDoctor.close()]);
  });

  it('reports each instance as failed when the PACS cannot be reached', async () => {
    const study = newUid();
    const technologist = await signedIn('technologist');
    const user = demoUser(network, 'technologist');
    const terminal = network.credentials.terminals.find((t) => t.facility === user.facility)!;
    const file = syntheticSlice({ studyUid: study, seriesUid: newUid(), rows: 32, columns: 32 });
    const stored = await server.app.inject({
      method: 'POST',
      url: '/dicomweb/studies',
      headers: { 'x-ssl-client-verify': 'SUCCESS', 'x-ssl-client-serial': terminal.serial, cookie: technologist.cookieHeader(), 'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}` },
      payload: stowBody(BOUNDARY, [file]),
      remoteAddress: '127.0.0.1',
    });
    expect(stored.statusCode).toBe(200);
    const admin = await signedIn('facility-admin');
    expect((await admin.call('POST', '/api/admin/dicom-peers', { facilityCode: hospital, aeTitle: 'DOWN_PACS', exportTo: { host: '127.0.0.1', port: await freePort() } })).status).toBe(201);
    const reply = await technologist.call('POST', `/api/images/studies/${study}/export`, { peer: 'DOWN_PACS' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ sent: 0, failed: 1, instances: [{ ok: false, status: -1 }] });
    expect((await auditOf('images.export')).filter((r) => r.detail.peer === 'DOWN_PACS').map((r) => r.outcome)).toEqual(['allowed', 'failed']);
    await Promise.all([technologist.close(), admin.close()]);
  });
});
