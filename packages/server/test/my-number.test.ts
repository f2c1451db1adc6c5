import { jpkiTrust, type JpkiTrust } from '@renkei/access';
import { createTestJpki, startCardHelper, TEST_CARD_PIN, type TestCard, type TestJpki } from '@renkei/card-helper/testing';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, identifyAtDesk, openTestNetwork, startServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

type Helper = Awaited<ReturnType<typeof startCardHelper>>;

describe.each(testEngines())('My Number cards on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  let jpki: TestJpki;
  let foreignJpki: TestJpki;
  /** What the server trusts now; tests swap it to see a stale CRL or no JPKI at all. */
  let trust: JpkiTrust | undefined;
  let goodCrl: string;
  const cards: Record<'patient' | 'second' | 'revoked' | 'expired' | 'foreign', TestCard> = {} as never;
  const helpers: Record<string, Helper> = {};
  let patientId: string;
  let otherPersonId: string;

  beforeAll(async () => {
    network = await openTestNetwork(engine);
    jpki = await createTestJpki();
    foreignJpki = await createTestJpki('Forged JPKI');
    cards.patient = await jpki.issueCard();
    cards.second = await jpki.issueCard();
    cards.revoked = await jpki.issueCard();
    cards.expired = await jpki.issueCard({ expired: true });
    cards.foreign = await foreignJpki.issueCard();
    goodCrl = await jpki.crl([cards.revoked.serial]);
    trust = jpkiTrust(jpki.authorityPems, [goodCrl]);
    server = await startServer(network, { jpki: { current: async () => trust } });
    for (const [name, card] of Object.entries(cards)) helpers[name] = await startCardHelper(card, [server.url]);
    const persons = await network.stores.identity.query<{ id: string }>('SELECT id FROM persons p WHERE NOT EXISTS (SELECT 1 FROM consent_changes c WHERE c.person_id = p.id) ORDER BY id LIMIT 2');
    [patientId, otherPersonId] = persons.rows.map((r) => r.id) as [string, string];
  }, 180_000);

  afterAll(async () => {
    await Promise.all(Object.values(helpers).map((h) => h.stop()));
    await server?.close();
    await network?.close();
    await jpki?.remove();
    await foreignJpki?.remove();
  });

  const login = (role: string) => Client.signedIn(server, network, role);
  /** The desk, having found both test persons through the identity check. */
  const desk = async () => {
    const clerk = await login('clerk');
    for (const id of [patientId, otherPersonId]) await identifyAtDesk(clerk, network, id);
    return clerk;
  };

  /** What the web app does: ask the server for a challenge, have the card helper sign it with the card, hand both back. */
  const signWith = async (client: Client, card: keyof typeof cards, purpose: 'bind' | 'identify' | 'present', pin = TEST_CARD_PIN) => {
    const challenge = await client.call('POST', '/api/my-number/challenge', { purpose });
    expect(challenge.status).toBe(200);
    const signed = await fetch(`${helpers[card]!.url}/v1/sign`, {
      method: 'POST',
      headers: { origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify({ challenge: challenge.body.challenge, pin }),
    });
    expect(signed.status).toBe(200);
    return { challenge: challenge.body.challenge as string, ...((await signed.json()) as { certificate: string; signature: string }) };
  };

  it('binds a card at the desk, then the card alone (no Renkei card) opens that patient for a doctor', async () => {
    const clerk = await desk();
    const bound = await clerk.call('POST', '/api/desk/my-number/bind', { personId: patientId, myNumber: await signWith(clerk, 'patient', 'bind') });
    expect(bound.status).toBe(200);
    expect(bound.body).toMatchObject({ personId: patientId, notAfter: expect.any(String) });

    const doctor = await login('doctor');
    expect((await doctor.call('GET', '/api/me')).body.myNumberCards).toBe(true);
    const challenge = await doctor.call('POST', '/api/my-number/challenge', { purpose: 'present' });
    expect(challenge.body).toMatchObject({ challenge: expect.stringMatching(/^renkei-jpki:v1:present:/), helperUrl: 'http://127.0.0.1:18411' });
    // Scripts may reach the card helper on this PC, and no other address but the server.
    expect(challenge.headers['content-security-policy']).toContain("connect-src 'self' http://127.0.0.1:18411;");
    const opened = await doctor.call('POST', '/api/patient-access', { myNumber: await signWith(doctor, 'patient', 'present') });
    expect(opened.status).toBe(201);
    const summary = await doctor.call('GET', `/api/patient-access/${opened.body.accessId}/summary`);
    expect(summary.status).toBe(200);
    expect(summary.body).toHaveProperty('diagnoses');
    const detail = await doctor.call('GET', `/api/patient-access/${opened.body.accessId}/detail`);
    expect(detail.body).toMatchObject({ card: null, myNumberCard: { boundAt: expect.any(String), notAfter: expect.any(String) } });

    // The desk sees that a My Number card is bound.
    const trail = await network.stores.clinical.query<{ action: string; outcome: string; detail: { myNumberCard?: string } }>(
      "SELECT action, outcome, detail FROM audit_events WHERE action IN ('my-number.bind', 'card.present') AND outcome = 'allowed' ORDER BY id",
    );
    expect(trail.rows.map((r) => r.action)).toEqual(['my-number.bind', 'card.present']);
    // The trail names the card by a keyed hash, not by its certificate's fingerprint (the identity store's key for the binding).
    const bindings = await network.stores.identity.query<{ fingerprint: string }>('SELECT fingerprint FROM my_number_bindings WHERE person_id = $1', [patientId]);
    expect(trail.rows[1]!.detail.myNumberCard).toMatch(/^[\w-]{22}$/);
    expect(trail.rows[0]!.detail.myNumberCard).toBe(trail.rows[1]!.detail.myNumberCard);
    expect(JSON.stringify(trail.rows)).not.toContain(bindings.rows[0]!.fingerprint);
  });

  it('identifies the patient at the desk by the card: consent withdrawn and given back, the access log printed; an unbound card refused', async () => {
    const clerk = await desk();
    const doctor = await login('doctor');
    expect((await clerk.call('POST', '/api/desk/consent', { myNumber: await signWith(clerk, 'patient', 'identify'), withdrawn: true })).status).toBe(200);
    const refused = await doctor.call('POST', '/api/patient-access', { myNumber: await signWith(doctor, 'patient', 'present') });
    expect(refused.body.error.code).toBe('consent-withdrawn');
    expect((await clerk.call('POST', '/api/desk/consent', { myNumber: await signWith(clerk, 'patient', 'identify'), withdrawn: false })).status).toBe(200);
    expect((await doctor.call('POST', '/api/patient-access', { myNumber: await signWith(doctor, 'patient', 'present') })).status).toBe(201);

    const log = await clerk.call('POST', '/api/desk/access-log', { myNumber: await signWith(clerk, 'patient', 'identify') });
    expect(log.status).toBe(200);
    expect(log.body.entries.filter((e: { action: string }) => e.action === 'card.present').length).toBeGreaterThanOrEqual(2);
    // A challenge made for binding does not identify, and a card bound to nobody identifies nobody.
    expect((await clerk.call('POST', '/api/desk/access-log', { myNumber: await signWith(clerk, 'patient', 'bind') })).body.error.code).toBe('my-number-challenge-expired');
    expect((await clerk.call('POST', '/api/desk/access-log', { myNumber: await signWith(clerk, 'second', 'identify') })).body.error.code).toBe('my-number-unbound');
    // One key at a time.
    expect((await clerk.call('POST', '/api/desk/access-log', { card: 'RKC1-x', myNumber: await signWith(clerk, 'patient', 'identify') })).status).toBe(400);
  });

  it('refuses a replayed signature, a challenge made for another session or purpose, and a card bound to nobody', async () => {
    const doctor = await login('doctor');
    const signed = await signWith(doctor, 'patient', 'present');
    expect((await doctor.call('POST', '/api/patient-access', { myNumber: signed })).status).toBe(201);
    const replay = await doctor.call('POST', '/api/patient-access', { myNumber: signed });
    expect(replay.status).toBe(403);
    expect(replay.body.error.code).toBe('my-number-challenge-expired');

    const other = await login('nurse');
    expect((await other.call('POST', '/api/patient-access', { myNumber: await signWith(doctor, 'patient', 'present') })).body.error.code).toBe('my-number-challenge-expired');
    const clerk = await desk();
    const doctorsChallenge = await signWith(doctor, 'patient', 'present');
    expect((await clerk.call('POST', '/api/desk/my-number/bind', { personId: patientId, myNumber: doctorsChallenge })).body.error.code).toBe('my-number-challenge-expired');

    const unbound = await doctor.call('POST', '/api/patient-access', { myNumber: await signWith(doctor, 'second', 'present') });
    expect(unbound.status).toBe(403);
    expect(unbound.body.error.code).toBe('my-number-unbound');
  });

  it('refuses a card from another CA, an expired certificate, a revoked one, and any card while revocation cannot be known', async () => {
    const doctor = await login('doctor');
    const codeFor = async (card: keyof typeof cards) => (await doctor.call('POST', '/api/patient-access', { myNumber: await signWith(doctor, card, 'present') })).body.error?.code;
    expect(await codeFor('foreign')).toBe('my-number-untrusted-chain');
    expect(await codeFor('expired')).toBe('my-number-expired');
    expect(await codeFor('revoked')).toBe('my-number-revoked');
    // A signature that is not over the challenge.
    const signed = await signWith(doctor, 'patient', 'present');
    const forged = await doctor.call('POST', '/api/patient-access', { myNumber: { ...signed, signature: Buffer.alloc(256, 1).toString('base64') } });
    expect(forged.body.error.code).toBe('my-number-bad-signature');

    trust = jpkiTrust(jpki.authorityPems, [await jpki.crl([], new Date(Date.now() - 60_000))]);
    try {
      expect(await codeFor('patient')).toBe('my-number-revocation-unknown');
    } finally {
      trust = jpkiTrust(jpki.authorityPems, [goodCrl]);
    }
    const refusals = await network.stores.clinical.query<{ detail: { reason: string } }>("SELECT detail FROM audit_events WHERE action = 'card.present' AND outcome = 'refused'");
    expect(refusals.rows.map((r) => r.detail.reason)).toEqual(expect.arrayContaining(['my number card: untrusted-chain', 'my number card: expired', 'my number card: revoked', 'my number card: revocation-unknown']));
  });

  it('keeps roles apart: clinicians present, the desk binds; without JPKI configured, no card is accepted', async () => {
    const clerk = await desk();
    expect((await clerk.call('POST', '/api/my-number/challenge', { purpose: 'present' })).status).toBe(403);
    const doctor = await login('doctor');
    expect((await doctor.call('POST', '/api/my-number/challenge', { purpose: 'bind' })).status).toBe(403);
    expect((await doctor.call('POST', '/api/desk/my-number/bind', { personId: patientId, myNumber: await signWith(doctor, 'second', 'present') })).status).toBe(403);

    const saved = trust;
    trust = undefined;
    try {
      expect((await doctor.call('GET', '/api/me')).body.myNumberCards).toBe(false);
      const off = await doctor.call('POST', '/api/my-number/challenge', { purpose: 'present' });
      expect(off.status).toBe(503);
      expect(off.body.error.code).toBe('my-number-unavailable');
    } finally {
      trust = saved;
    }
  });

  it('refuses to bind a card already bound to someone else; unbinding closes what the card opened', async () => {
    const clerk = await desk();
    const taken = await clerk.call('POST', '/api/desk/my-number/bind', { personId: otherPersonId, myNumber: await signWith(clerk, 'patient', 'bind') });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('my-number-bound-to-another');
    const nobody = await clerk.call('POST', '/api/desk/my-number/bind', { personId: '00000000-0000-4000-8000-000000000000', myNumber: await signWith(clerk, 'second', 'bind') });
    expect(nobody.status).toBe(404);

    const doctor = await login('doctor');
    const opened = await doctor.call('POST', '/api/patient-access', { myNumber: await signWith(doctor, 'patient', 'present') });
    expect((await doctor.call('GET', `/api/patient-access/${opened.body.accessId}/summary`)).status).toBe(200);
    expect((await clerk.call('POST', '/api/desk/my-number/unbind', { personId: patientId })).status).toBe(200);
    expect((await doctor.call('GET', `/api/patient-access/${opened.body.accessId}/summary`)).status).toBe(404);
    expect((await doctor.call('POST', '/api/patient-access', { myNumber: await signWith(doctor, 'patient', 'present') })).body.error.code).toBe('my-number-unbound');
    expect((await clerk.call('POST', '/api/desk/my-number/unbind', { personId: patientId })).status).toBe(404);
    const unbinds = await network.stores.clinical.query<{ outcome: string }>("SELECT outcome FROM audit_events WHERE action = 'my-number.unbind' ORDER BY id");
    expect(unbinds.rows.map((r) => r.outcome)).toEqual(['allowed', 'refused']);

    // Bound again (after the identity check), the card works again.
    expect((await clerk.call('POST', '/api/desk/my-number/bind', { personId: patientId, myNumber: await signWith(clerk, 'patient', 'bind') })).status).toBe(200);
    expect((await doctor.call('POST', '/api/patient-access', { myNumber: await signWith(doctor, 'patient', 'present') })).status).toBe(201);
  });
});
