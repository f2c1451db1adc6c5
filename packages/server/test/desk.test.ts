import { pdfText } from '@renkei/documents/testing';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

describe.each(testEngines())('the facility desk on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  beforeAll(async () => {
    network = await openTestNetwork(engine);
    server = await startInjectedServer(network);
  });
  afterAll(async () => {
    await server?.close();
    await network?.close();
  });

  const signedIn = (role: string) => Client.signedIn(server, network, role);

  it('records a withdrawal of consent: the history is shown to nobody, open accesses close at once, until consent is given back', async () => {
    const card = network.credentials.cards[0]!.qr;
    const doctor = await signedIn('doctor');
    const clerk = await signedIn('clerk');
    const { accessId } = (await doctor.call('POST', '/api/patient-access', { card })).body;
    expect((await doctor.call('GET', `/api/patient-access/${accessId}/summary`)).status).toBe(200);

    expect((await clerk.call('POST', '/api/desk/consent', { card, withdrawn: true })).body).toEqual({ withdrawn: true });
    expect((await doctor.call('GET', `/api/patient-access/${accessId}/summary`)).status).toBe(404);
    const refused = await doctor.call('POST', '/api/patient-access', { card });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'consent-withdrawn', message: expect.stringContaining('同意を撤回') });

    await clerk.call('POST', '/api/desk/consent', { card, withdrawn: false });
    // Consent given back opens nothing that was open before: the card is presented again.
    expect((await doctor.call('GET', `/api/patient-access/${accessId}/summary`)).status).toBe(404);
    const reopened = await doctor.call('POST', '/api/patient-access', { card });
    expect(reopened.status).toBe(201);
    expect((await doctor.call('GET', `/api/patient-access/${reopened.body.accessId}/summary`)).status).toBe(200);
    await Promise.all([doctor.close(), clerk.close()]);
  });

  it('refuses access when consent cannot be read, rather than allowing it', async () => {
    const card = network.credentials.cards[1]!.qr;
    const doctor = await signedIn('doctor');
    const { accessId } = (await doctor.call('POST', '/api/patient-access', { card })).body;
    await network.stores.identity.exec('ALTER TABLE consent_changes RENAME TO consent_changes_away');
    try {
      const summary = await doctor.call('GET', `/api/patient-access/${accessId}/summary`);
      expect(summary.status).toBe(500);
      expect(summary.body).toEqual({ error: { code: 'internal', message: expect.any(String) } });
      expect((await doctor.call('POST', '/api/patient-access', { card })).status).toBe(500);
    } finally {
      await network.stores.identity.exec('ALTER TABLE consent_changes_away RENAME TO consent_changes');
    }
    await doctor.close();
  });

  it('prints who looked at the patient\'s history: when, which facility, which role, which terminal, person or process', async () => {
    const card = network.credentials.cards[2]!.qr;
    const doctor = await signedIn('doctor');
    const { accessId } = (await doctor.call('POST', '/api/patient-access', { card })).body;
    await doctor.call('GET', `/api/patient-access/${accessId}/summary`);
    await doctor.call('GET', `/api/patient-access/${accessId}/detail`);
    await doctor.close();

    const liaison = await signedIn('liaison');
    const log = await liaison.call('POST', '/api/desk/access-log', { card });
    expect(log.status).toBe(200);
    const doctorUser = network.credentials.users.find((u) => u.role === 'doctor')!;
    expect(log.body.entries.map((e: { action: string }) => e.action)).toEqual(['patient.detail', 'patient.summary', 'card.present']);
    for (const entry of log.body.entries) {
      expect(entry).toMatchObject({ facilityCode: doctorUser.facility, facilityName: expect.any(String), role: 'doctor', terminal: network.credentials.terminal.serial, actorKind: 'person' });
    }
    // Another patient's views are not in this patient's list.
    const other = await liaison.call('POST', '/api/desk/access-log', { card: network.credentials.cards[0]!.qr });
    expect(other.body.entries.every((e: { action: string }) => e.action !== 'patient.detail')).toBe(true);
    await liaison.close();
  });

  it('prints the access log as a PDF for the patient: their name, the desk\'s facility and the time in Japan on it, actions in Japanese, terminals by name', async () => {
    const card = network.credentials.cards[1]!.qr;
    const doctor = await signedIn('doctor');
    const { accessId } = (await doctor.call('POST', '/api/patient-access', { card })).body;
    await doctor.call('GET', `/api/patient-access/${accessId}/summary`);
    await doctor.close();

    const liaison = await signedIn('liaison');
    const holder = (await liaison.call('POST', '/api/desk/card-holder', { card })).body;
    const log = (await liaison.call('POST', '/api/desk/access-log', { card })).body;
    expect(log.entries[0]).toMatchObject({ action: 'patient.summary', terminalName: network.credentials.terminal.name });
    const before = new Date();
    const reply = await liaison.call('POST', '/api/desk/access-log.pdf', { card });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/pdf');
    const text = pdfText(reply.raw).replace(/\s+/g, ' ');
    expect(text).toContain(holder.name.replace(/\s+/g, ' '));
    expect(text).toContain('サマリー閲覧');
    expect(text).toContain('カード提示');
    expect(text).toContain(network.credentials.terminal.name);
    expect(text).not.toContain(network.credentials.terminal.serial);
    // Printed in Japan's time, to the minute.
    const tokyo = new Date(before.getTime() + 9 * 3_600_000).toISOString();
    expect(text).toContain(`${tokyo.slice(0, 10)}`);
    const liaisonUser = network.credentials.users.find((u) => u.role === 'liaison')!;
    const facility = (await network.stores.identity.query<{ name: string }>('SELECT name FROM facilities WHERE code = $1', [liaisonUser.facility])).rows[0]!.name;
    expect(text).toContain(facility);
    // A made-up card prints nothing.
    expect((await liaison.call('POST', '/api/desk/access-log.pdf', { card: 'RK1-made-up' })).status).toBe(404);
    await liaison.close();
  });

  it('is for desk roles only, and refuses a made-up card', async () => {
    const doctor = await signedIn('doctor');
    expect((await doctor.call('POST', '/api/desk/access-log', { card: network.credentials.cards[0]!.qr })).status).toBe(403);
    await doctor.close();
    const clerk = await signedIn('clerk');
    const madeUp = await clerk.call('POST', '/api/desk/consent', { card: 'RKC1-8000000000000000-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', withdrawn: true });
    expect(madeUp.status).toBe(404);
    expect((await clerk.call('POST', '/api/desk/consent', { card: network.credentials.cards[0]!.qr })).status).toBe(400);
    await clerk.close();
    const { rows } = await network.stores.clinical.query<{ action: string; outcome: string }>("SELECT action, outcome FROM audit_events WHERE action LIKE 'consent.%' OR action = 'access-log.print'");
    expect(rows.map((r) => `${r.action}:${r.outcome}`)).toEqual(expect.arrayContaining(['consent.withdraw:allowed', 'consent.restore:allowed', 'consent.withdraw:refused', 'access-log.print:allowed']));
  });
});
