import { pdfText } from '@renkei/documents/testing';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

const HOSPITAL = '3710100123'; // the demo facility administrator's own
const PHARMACY = '3740151233';
const OKAYAMA = '3310123458'; // the demo's application from outside Kagawa

describe.each(testEngines())('network administration on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  const clients: Client[] = [];
  beforeAll(async () => {
    network = await openTestNetwork(engine);
    server = await startInjectedServer(network);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.close();
    await network?.close();
  });

  const signedIn = async (role: string) => {
    const client = await Client.signedIn(server, network, role);
    clients.push(client);
    return client;
  };
  const userOf = (role: string) => network.credentials.users.find((u) => u.role === role)!;
  const auditOf = async (action: string) =>
    (await network.stores.clinical.query<{ actor: string; role: string; outcome: string; detail: Record<string, unknown> }>('SELECT actor, role, outcome, detail FROM audit_events WHERE action = $1 ORDER BY id', [action])).rows;
  const history = async (code: string) => (await network.stores.identity.query('SELECT * FROM facility_status_changes WHERE facility_code = $1', [code])).rows.length;

  it('shows the public the participating insurers and facilities without a certificate or a login, public fields only', async () => {
    const anyone = Client.anonymous(server, network);
    clients.push(anyone);
    const insurers = await anyone.call('GET', '/api/public/insurers');
    expect(insurers.status).toBe(200);
    expect(insurers.body.insurers).toHaveLength(23);
    expect(insurers.body.insurers).toContainEqual({ number: '370015', name: '高松市', kind: 'municipal-nhi' });
    for (const insurer of insurers.body.insurers) expect(Object.keys(insurer).sort()).toEqual(['kind', 'name', 'number']);

    const facilities = await anyone.call('GET', '/api/public/facilities');
    expect(facilities.status).toBe(200);
    const codes = facilities.body.facilities.map((f: { code: string }) => f.code);
    expect(codes).toContain(HOSPITAL);
    expect(codes, 'applications are not participants').not.toContain(OKAYAMA);
    expect(codes).not.toContain('3730112345');
    for (const facility of facilities.body.facilities) expect(Object.keys(facility).sort()).toEqual(['address', 'code', 'kind', 'name', 'phone']);
    expect(facilities.body.facilities.find((f: { code: string }) => f.code === HOSPITAL)).toMatchObject({ name: '香川中央病院', address: expect.stringContaining('香川県高松市') });

    // Over plain TLS, with no client certificate at all: the same answer. The rest of the API stays shut.
    const plain = await anyone.call('GET', '/api/public/facilities');
    expect(plain.status).toBe(200);
    expect((await anyone.call('GET', '/api/admin/facilities')).status).toBe(403);
    expect((await anyone.call('GET', '/api/public/../admin/facilities')).status).not.toBe(200);
    expect((await anyone.call('GET', '/api/public/insurers/extra')).status).toBe(403);
  });

  it('lets the operator add a facility from outside the prefecture, record the steering committee approval, and let it join — all audited with the operator', async () => {
    const operator = await signedIn('operator');
    const code = '3310199991';
    const added = await operator.call('POST', '/api/admin/facilities', { code, name: '岡山西クリニック', kind: 'clinic', address: '岡山県倉敷市1-1', appliedOn: '2026-09-01' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ code, status: 'applied', inPrefecture: false, committeeApproval: null });

    const early = await operator.call('POST', `/api/admin/facilities/${code}/status`, { status: 'active', effectiveOn: '2026-10-01' });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'committee-approval-required', message: expect.stringContaining('運営委員会') });
    expect(await history(code), 'a refused change leaves nothing').toBe(1);

    expect((await operator.call('POST', `/api/admin/facilities/${code}/approval`, { approvedOn: '2026-09-20', reference: '第30回運営委員会' })).status).toBe(200);
    const joined = await operator.call('POST', `/api/admin/facilities/${code}/status`, { status: 'active', effectiveOn: '2026-10-01', reason: '承認済み' });
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ status: 'active', committeeApproval: { approvedOn: '2026-09-20', reference: '第30回運営委員会', recordedBy: 'demo-operator' } });
    expect(joined.body.history.map((h: { status: string }) => h.status)).toEqual(['applied', 'active']);

    const anyone = Client.anonymous(server, network);
    clients.push(anyone);
    expect((await anyone.call('GET', '/api/public/facilities')).body.facilities.map((f: { code: string }) => f.code)).toContain(code);

    expect((await auditOf('admin.facility.add')).at(-1)).toMatchObject({ actor: 'demo-operator', role: 'operator', outcome: 'allowed', detail: { facility: code } });
    expect((await auditOf('admin.facility.status')).map((a) => a.outcome)).toEqual(['refused', 'allowed']);
    // The reason's free text stays out of the audit trail (names get typed there); that one was given does not.
    const statusAudit = (await auditOf('admin.facility.status')).at(-1)!;
    expect(statusAudit.detail).toEqual({ facility: code, status: 'active', effectiveOn: '2026-10-01', reasonGiven: true, outbox: expect.any(String) });
    expect((await auditOf('admin.facility.approval')).at(-1)).toMatchObject({ actor: 'demo-operator', detail: { facility: code, reference: '第30回運営委員会' } });
  });

  it('lets the operator keep the insurers, refusing a number whose check digit is wrong', async () => {
    const operator = await signedIn('operator');
    expect((await operator.call('GET', '/api/admin/insurers')).body.insurers).toHaveLength(23);
    const wrong = await operator.call('POST', '/api/admin/insurers', { number: '06370011', name: '香川健保組合', kind: 'health-society' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('insurer-number-check-digit');
    const added = await operator.call('POST', '/api/admin/insurers', { number: '06370019', name: '香川健保組合', kind: 'health-society' });
    expect(added.status).toBe(201);
    expect((await operator.call('POST', '/api/admin/insurers/06370019/status', { status: 'active', effectiveOn: '2026-11-01' })).body).toMatchObject({ status: 'active' });
    expect((await operator.call('POST', '/api/admin/insurers/06370019', { name: '香川健康保険組合', kind: 'health-society' })).body.name).toBe('香川健康保険組合');
    expect((await operator.call('POST', '/api/admin/insurers/99999999/status', { status: 'active', effectiveOn: '2026-11-01' })).status).toBe(404);
    expect((await auditOf('admin.insurer.add')).map((a) => a.outcome)).toEqual(['refused', 'allowed']);
  });

  it('refuses a clerk every administration, audits the attempt, and changes nothing', async () => {
    const clerk = await signedIn('clerk');
    const attempts: Array<['GET' | 'POST', string, unknown?]> = [
      ['GET', '/api/admin/insurers'],
      ['POST', '/api/admin/insurers', { number: '370015', name: 'x', kind: 'municipal-nhi' }],
      ['GET', '/api/admin/facilities'],
      ['GET', `/api/admin/facilities/${HOSPITAL}`],
      ['POST', `/api/admin/facilities/${HOSPITAL}`, { address: 'どこか' }],
      ['POST', '/api/admin/facilities', { code: '3710177777', name: 'x', kind: 'clinic' }],
      ['POST', `/api/admin/facilities/${OKAYAMA}/approval`, { approvedOn: '2026-11-01', reference: 'x' }],
      ['POST', `/api/admin/facilities/${HOSPITAL}/status`, { status: 'suspended', effectiveOn: '2026-11-01' }],
      ['GET', '/api/admin/fees/2026-10.csv'],
      ['GET', `/api/admin/fees/2026-10/${HOSPITAL}.pdf`],
    ];
    for (const [method, path, body] of attempts) {
      const reply = await clerk.call(method, path, body);
      expect(reply.status, path).toBe(403);
      expect(reply.body.error.code, path).toBe('role-forbidden');
    }
    const hospital = (await network.stores.identity.query<{ address: string; status: string }>('SELECT address, status FROM facilities WHERE code = $1', [HOSPITAL])).rows[0]!;
    expect(hospital).toMatchObject({ status: 'active', address: expect.stringContaining('香川県') });
    expect((await network.stores.identity.query('SELECT 1 FROM facilities WHERE code = $1', ['3710177777'])).rows).toEqual([]);
    expect((await auditOf('admin.facility.status')).filter((a) => a.actor === userOf('clerk').id)).toEqual([expect.objectContaining({ outcome: 'refused', role: 'clerk' })]);
  });

  it('refuses administration to every role but the two administrators, and to a terminal without a login', async () => {
    for (const role of ['doctor', 'dentist', 'pharmacist', 'nurse', 'liaison']) {
      const user = await signedIn(role);
      expect((await user.call('POST', `/api/admin/facilities/${OKAYAMA}/status`, { status: 'left', effectiveOn: '2026-11-01' })).status, role).toBe(403);
      expect((await user.call('GET', '/api/admin/facilities')).status, role).toBe(403);
    }
    const terminalOnly = await Client.terminal(server, network);
    clients.push(terminalOnly);
    expect((await terminalOnly.call('GET', '/api/admin/fees/2026-10.csv')).status).toBe(401);
    expect((await terminalOnly.call('POST', '/api/admin/insurers', { number: '370015', name: 'x', kind: 'municipal-nhi' })).status).toBe(401);
    expect((await network.stores.identity.query<{ status: string }>('SELECT status FROM facilities WHERE code = $1', [OKAYAMA])).rows[0]!.status).toBe('applied');
  });

  it('lets a facility administrator see and correct their own facility only: another is as unknown as a code that does not exist', async () => {
    const admin = await signedIn('facility-admin');
    const own = await admin.call('GET', '/api/admin/facilities');
    expect(own.body.facilities.map((f: { code: string }) => f.code)).toEqual([HOSPITAL]);
    const ownView = await admin.call('GET', `/api/admin/facilities/${HOSPITAL}`);
    expect(ownView.status).toBe(200);
    // Who recorded each change (an operator's ID) stays with the secretariat.
    expect(ownView.body.history.length).toBeGreaterThan(0);
    expect(ownView.body.history.every((h: { recordedBy: string | null }) => h.recordedBy === null)).toBe(true);

    const other = await admin.call('GET', `/api/admin/facilities/${PHARMACY}`);
    const unknown = await admin.call('GET', '/api/admin/facilities/3710100000');
    expect(other.status).toBe(404);
    expect(other.body).toEqual(unknown.body);
    const otherEdit = await admin.call('POST', `/api/admin/facilities/${PHARMACY}`, { address: '乗っ取り' });
    expect(otherEdit.status).toBe(404);
    expect(otherEdit.body).toEqual(unknown.body);
    expect((await network.stores.identity.query<{ address: string }>('SELECT address FROM facilities WHERE code = $1', [PHARMACY])).rows[0]!.address).not.toBe('乗っ取り');

    const edited = await admin.call('POST', `/api/admin/facilities/${HOSPITAL}`, { address: '香川県高松市番町4-1-10', phone: '087-833-0123' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ address: '香川県高松市番町4-1-10', phone: '087-833-0123' });
    expect((await admin.call('POST', `/api/admin/facilities/${HOSPITAL}`, { name: '改名病院' })).status).toBe(403);
    expect((await admin.call('POST', `/api/admin/facilities/${HOSPITAL}/status`, { status: 'left', effectiveOn: '2026-11-01' })).status).toBe(403);
    expect((await admin.call('POST', '/api/admin/facilities', { code: '3710177777', name: 'x', kind: 'clinic' })).status).toBe(403);
    expect((await admin.call('GET', '/api/admin/fees/2026-10')).status).toBe(403);
    expect((await auditOf('admin.facility.update')).filter((a) => a.actor === 'demo-facility-admin').map((a) => a.outcome)).toEqual(['refused', 'allowed', 'refused']);
    // Reads are audited too, allowed or not.
    expect((await auditOf('admin.facility.list')).filter((a) => a.actor === 'demo-facility-admin').map((a) => a.outcome)).toEqual(['allowed']);
    expect((await auditOf('admin.facility.view')).filter((a) => a.actor === 'demo-facility-admin').map((a) => a.outcome)).toEqual(['allowed', 'refused', 'refused']);
  });

  it('gives a facility administrator their own statement and no other facility\'s, unknown or not', async () => {
    const admin = await signedIn('facility-admin');
    const own = await admin.call('GET', `/api/admin/fees/2026-10/${HOSPITAL}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ month: '2026-10', facility: { code: HOSPITAL, name: '香川中央病院' }, totalYen: 6500 });
    const other = await admin.call('GET', `/api/admin/fees/2026-10/${PHARMACY}.csv`);
    const unknown = await admin.call('GET', '/api/admin/fees/2026-10/3710100000.csv');
    expect(other.status).toBe(404);
    expect(other.body).toEqual(unknown.body);
  });

  it('gives the operator the month\'s list as JSON, CSV (BOM, header row) and PDF (yen amounts, facility names), and statements', async () => {
    const operator = await signedIn('operator');
    const list = await operator.call('GET', '/api/admin/fees/2026-10');
    expect(list.status).toBe(200);
    const codes = list.body.rows.map((r: { facilityCode: string }) => r.facilityCode);
    expect(codes).toContain(HOSPITAL);
    expect(codes).toContain('3310199991'); // joined 1 October, after the committee's approval
    expect(codes).not.toContain(OKAYAMA); // still waiting for it
    expect(list.body.totalYen).toBe(codes.length * 6500);

    const csv = await rawGet(operator, '/api/admin/fees/2026-10.csv');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="renkei-fees-2026-10.csv"');
    const text = csv.body.toString('utf8');
    expect(text.startsWith('\uFEFF対象月,医療機関コード,医療機関名,種別,所在地,月末の状態,基本利用料（円）\r\n')).toBe(true);
    expect(text.trimEnd().split('\r\n')).toHaveLength(codes.length + 2);
    expect(text).toContain(`2026-10,,合計,,,${codes.length}施設,${codes.length * 6500}`);

    const pdf = await rawGet(operator, '/api/admin/fees/2026-10.pdf');
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const printed = pdfText(pdf.body);
    expect(printed).toContain('利用料一覧（2026年10月分）');
    expect(printed).toMatch(/3710100123\s+香川中央病院\s+病院\s+参加\s+6,500円/);
    expect(printed).toContain(`${(codes.length * 6500).toLocaleString('ja-JP')}円`);

    const statement = pdfText((await rawGet(operator, `/api/admin/fees/2026-10/${PHARMACY}.pdf`)).body);
    expect(statement).toContain('利用料明細書');
    expect(statement).toMatch(/さくら調剤薬局\s+栗林店\s+御中/);
    expect(statement).toMatch(/6,500円/);
    expect((await operator.call('GET', `/api/admin/fees/2026-10/${OKAYAMA}`)).status).toBe(404);
    expect((await operator.call('GET', '/api/admin/fees/2026-13')).status).toBe(400);
    expect((await auditOf('admin.fees.list')).filter((a) => a.outcome === 'allowed').map((a) => a.detail.format)).toEqual(['json', 'csv', 'pdf']);
  });

  async function rawGet(client: Client, path: string) {
    const response = await client.call('GET', path);
    return { status: response.status, headers: response.headers, body: response.raw };
  }
});
