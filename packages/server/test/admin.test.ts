/**
 * Network administration over real HTTPS with real terminal certificates:
 * terminals (issue, list, renew, revoke) and staff IDs (issue, first login,
 * deactivate, reset), each permission boundary, and personal settings.
 */
import { facilities } from '@renkei/synthetic';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, openTestNetwork, startServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';

const hospital = facilities.find((f) => f.kind === 'hospital')!.code;
const clinic = facilities.find((f) => f.kind === 'clinic')!.code;

describe.each(testEngines())('network administration on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  beforeAll(async () => {
    network = await openTestNetwork(engine);
    server = await startServer(network);
  });
  afterAll(async () => {
    await server?.close();
    await network?.close();
  });

  const signedIn = (role: string) => Client.signedIn(server, network, role);
  const terminalClient = (issued: { p12: string; password: string }) => Client.tls(server.url, { caPem: network.caPem, pfx: Buffer.from(issued.p12, 'base64'), passphrase: issued.password });
  const auditOf = async (action: string) =>
    (await network.stores.clinical.query<{ actor: string; role: string; outcome: string; detail: Record<string, unknown> }>('SELECT actor, role, outcome, detail FROM audit_events WHERE action = $1 ORDER BY id', [action])).rows;

  describe('terminals', () => {
    it('an operator issues a certificate for a PC of any facility: the PKCS#12 opens with its password and the PC is that terminal', async () => {
      const operator = await signedIn('operator');
      const issued = await operator.call('POST', '/api/admin/terminals', { facilityCode: clinic, name: '診察室1' });
      expect(issued.status).toBe(201);
      expect(issued.body).toEqual({ serial: expect.stringMatching(/^[0-9a-f]+$/), facilityCode: clinic, name: '診察室1', notAfter: expect.any(String), password: expect.any(String), p12: expect.any(String) });
      const pc = terminalClient(issued.body);
      expect((await pc.call('GET', '/api/terminal')).body).toEqual({ name: '診察室1', facilityCode: clinic, demo: false });

      const chosen = await operator.call('POST', '/api/admin/terminals', { facilityCode: clinic, name: '受付', password: 'uketsuke-2026' });
      expect(chosen.body.password).toBe('uketsuke-2026');

      const list = await operator.call('GET', '/api/admin/terminals');
      expect(list.body.terminals.find((t: { serial: string }) => t.serial === issued.body.serial)).toMatchObject({ status: 'active', facilityCode: clinic, facilityName: expect.any(String) });
      expect(list.body.terminals.map((t: { facilityCode: string }) => t.facilityCode)).toEqual(expect.arrayContaining([hospital, clinic]));
      expect(list.body.facilities.length).toBeGreaterThan(1);
      // The bundle and its password are answered once and kept nowhere.
      expect(JSON.stringify(list.body)).not.toContain(issued.body.password);
      expect(await auditOf('terminal.issue')).toContainEqual(expect.objectContaining({ actor: 'demo-operator', role: 'operator', outcome: 'allowed', detail: expect.objectContaining({ serial: issued.body.serial, facility: clinic }) }));
      await Promise.all([operator.close(), pc.close()]);
    });

    it('a revoked terminal is refused on its very next request, on the connection it already has open', async () => {
      const operator = await signedIn('operator');
      const issued = (await operator.call('POST', '/api/admin/terminals', { facilityCode: hospital, name: '病棟PC' })).body;
      const pc = terminalClient(issued);
      expect((await pc.call('GET', '/api/terminal')).status).toBe(200);
      const user = network.credentials.users.find((u) => u.role === 'nurse')!;
      expect((await pc.call('POST', '/api/login', { userId: user.id, password: user.password })).status).toBe(200);

      expect((await operator.call('POST', `/api/admin/terminals/${issued.serial}/revoke`)).body).toEqual({ serial: issued.serial, status: 'revoked' });
      const refused = await pc.call('GET', '/api/me');
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('terminal-required');
      const again = await operator.call('POST', `/api/admin/terminals/${issued.serial}/revoke`);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('already-revoked');
      expect((await operator.call('GET', '/api/admin/terminals')).body.terminals.find((t: { serial: string }) => t.serial === issued.serial).status).toBe('revoked');
      await Promise.all([operator.close(), pc.close()]);
    });

    it('renewal gives the PC a new certificate and revokes the old one at once', async () => {
      const admin = await signedIn('facility-admin');
      const old = (await admin.call('POST', '/api/admin/terminals', { facilityCode: hospital, name: '外来2' })).body;
      const renewed = await admin.call('POST', `/api/admin/terminals/${old.serial}/renew`, {});
      expect(renewed.status).toBe(200);
      expect(renewed.body).toMatchObject({ facilityCode: hospital, name: '外来2', replaced: old.serial });
      expect(renewed.body.serial).not.toBe(old.serial);
      const oldPc = terminalClient(old);
      const newPc = terminalClient(renewed.body);
      expect((await oldPc.call('GET', '/api/terminal')).status).toBe(403);
      expect((await newPc.call('GET', '/api/terminal')).body.name).toBe('外来2');
      const list = (await admin.call('GET', '/api/admin/terminals')).body.terminals;
      expect(list.find((t: { serial: string }) => t.serial === old.serial).status).toBe('renewed');
      expect(list.find((t: { serial: string }) => t.serial === renewed.body.serial)).toMatchObject({ status: 'active', renewedFrom: old.serial });
      expect((await admin.call('POST', `/api/admin/terminals/${old.serial}/renew`, {})).status).toBe(409);
      await Promise.all([admin.close(), oldPc.close(), newPc.close()]);
    });

    it('a facility administrator works on their own facility only: another facility\'s terminal is as unknown as a made-up serial', async () => {
      const operator = await signedIn('operator');
      const clinicPc = (await operator.call('POST', '/api/admin/terminals', { facilityCode: clinic, name: '他院PC' })).body;
      const admin = await signedIn('facility-admin');

      const list = (await admin.call('GET', '/api/admin/terminals')).body;
      expect(list.terminals.length).toBeGreaterThan(0);
      expect(list.terminals.every((t: { facilityCode: string }) => t.facilityCode === hospital)).toBe(true);
      expect(list.facilities).toEqual([{ code: hospital, name: expect.any(String) }]);

      const otherFacility = await admin.call('POST', '/api/admin/terminals', { facilityCode: clinic, name: 'x' });
      const unknownFacility = await admin.call('POST', '/api/admin/terminals', { facilityCode: '3799999999', name: 'x' });
      expect(otherFacility.status).toBe(404);
      expect(otherFacility.body).toEqual(unknownFacility.body);

      for (const action of ['revoke', 'renew']) {
        const other = await admin.call('POST', `/api/admin/terminals/${clinicPc.serial}/${action}`, {});
        const madeUp = await admin.call('POST', `/api/admin/terminals/7fffffffffffffffffffffffffffffff/${action}`, {});
        expect(other.status).toBe(404);
        expect(other.body).toEqual(madeUp.body);
      }
      // Nothing changed: the clinic's PC still works.
      const pc = terminalClient(clinicPc);
      expect((await pc.call('GET', '/api/terminal')).status).toBe(200);
      expect(await auditOf('terminal.revoke')).toContainEqual(expect.objectContaining({ actor: 'demo-facility-admin', outcome: 'refused', detail: expect.objectContaining({ reason: 'not-found' }) }));
      await Promise.all([operator.close(), admin.close(), pc.close()]);
    });

    it('clerks and clinicians cannot administer terminals', async () => {
      for (const role of ['clerk', 'doctor', 'liaison']) {
        const client = await signedIn(role);
        expect((await client.call('GET', '/api/admin/terminals')).status).toBe(403);
        const issue = await client.call('POST', '/api/admin/terminals', { facilityCode: hospital, name: 'x' });
        expect(issue.status).toBe(403);
        expect(issue.body.error.code).toBe('role-forbidden');
        expect((await client.call('POST', `/api/admin/terminals/${network.credentials.terminal.serial}/revoke`)).status).toBe(403);
        // Whatever they send: the role is refused before the request is read.
        expect((await client.call('POST', '/api/admin/terminals', { nonsense: true })).status).toBe(403);
        expect((await client.call('POST', `/api/admin/terminals/${network.credentials.terminal.serial}/renew`, { password: 'x' })).status).toBe(403);
        expect((await client.call('GET', `/api/admin/fees/2026-10/not-a-file.txt`)).status).toBe(403);
        await client.close();
      }
      expect((await Client.terminal(server, network).then((c) => c.call('GET', '/api/admin/terminals'))).status).toBe(401);
      // The demo terminal was never revoked by them.
      const check = await Client.terminal(server, network);
      expect((await check.call('GET', '/api/terminal')).status).toBe(200);
      await check.close();
      expect(await auditOf('terminal.issue')).toContainEqual(expect.objectContaining({ actor: 'demo-clerk', outcome: 'refused', detail: expect.objectContaining({ reason: 'role-forbidden' }) }));
    });
  });

  describe('staff IDs', () => {
    const login = (client: Client, userId: string, password: string) => client.call('POST', '/api/login', { userId, password });

    it('an operator issues an ID with a one-time password; the first login must choose a new one before anything else', async () => {
      const operator = await signedIn('operator');
      const issued = await operator.call('POST', '/api/admin/users', { id: 'dr-sanuki', displayName: '讃岐 一（医師）', role: 'doctor', facilityCode: clinic, email: 'sanuki@example.jp' });
      expect(issued.status).toBe(201);
      expect(issued.body).toEqual({ id: 'dr-sanuki', password: expect.stringMatching(/^.{16}$/) });
      const { rows } = await network.stores.identity.query<{ password_hash: string }>("SELECT password_hash FROM users WHERE id = 'dr-sanuki'");
      expect(rows[0]!.password_hash).toMatch(/^\$argon2id\$/);
      expect((await operator.call('POST', '/api/admin/users', { id: 'dr-sanuki', displayName: 'x', role: 'clerk', facilityCode: clinic })).status).toBe(409);

      const doctor = await Client.terminal(server, network, clinic);
      // Only at their own facility.
      const elsewhere = await Client.terminal(server, network, hospital);
      expect((await login(elsewhere, 'dr-sanuki', issued.body.password)).body.error.code).toBe('terminal-not-yours');
      const first = await login(doctor, 'dr-sanuki', issued.body.password);
      expect(first.body.user).toMatchObject({ id: 'dr-sanuki', mustChangePassword: true });
      expect((await doctor.call('GET', '/api/me')).status).toBe(200);
      const blocked = await doctor.call('POST', '/api/patient-access', { card: network.credentials.cards[0]!.qr });
      expect(blocked.status).toBe(403);
      expect(blocked.body.error.code).toBe('password-change-required');
      expect((await doctor.call('GET', '/api/disease-groups')).body.error.code).toBe('password-change-required');

      expect((await doctor.call('POST', '/api/me/password', { currentPassword: 'not it', newPassword: 'Setouchi-Umi-42' })).body.error.code).toBe('wrong-password');
      const weak = await doctor.call('POST', '/api/me/password', { currentPassword: issued.body.password, newPassword: 'short' });
      expect(weak.status).toBe(400);
      expect(weak.body.error.message).toContain('12文字以上');
      expect((await doctor.call('POST', '/api/me/password', { currentPassword: issued.body.password, newPassword: 'Setouchi-Umi-42' })).status).toBe(200);
      expect((await doctor.call('GET', '/api/me')).body.user.mustChangePassword).toBe(false);
      expect((await doctor.call('POST', '/api/patient-access', { card: network.credentials.cards[0]!.qr })).status).toBe(201);
      // One session per ID: a new login ends the one before.
      const other = await Client.terminal(server, network, clinic);
      expect((await login(other, 'dr-sanuki', 'Setouchi-Umi-42')).status).toBe(200);
      expect((await doctor.call('GET', '/api/me')).status).toBe(401);

      const later = await Client.terminal(server, network, clinic);
      expect((await login(later, 'dr-sanuki', issued.body.password)).status).toBe(401);
      expect((await login(later, 'dr-sanuki', 'Setouchi-Umi-42')).status).toBe(200);
      expect(await auditOf('user.issue')).toContainEqual(expect.objectContaining({ actor: 'demo-operator', outcome: 'allowed', detail: expect.objectContaining({ user: 'dr-sanuki', role: 'doctor', facility: clinic }) }));
      expect(await auditOf('me.password')).toContainEqual(expect.objectContaining({ actor: 'dr-sanuki', outcome: 'allowed' }));
      await Promise.all([operator.close(), doctor.close(), other.close(), later.close(), elsewhere.close()]);
    });

    it('a deactivated ID cannot log in and its open session ends at once; reactivated, it can again', async () => {
      const admin = await signedIn('facility-admin');
      const { password } = (await admin.call('POST', '/api/admin/users', { id: 'clerk-kagawa', displayName: '香川 受付', role: 'clerk', facilityCode: hospital })).body;
      const clerk = await Client.terminal(server, network);
      await login(clerk, 'clerk-kagawa', password);
      await clerk.call('POST', '/api/me/password', { currentPassword: password, newPassword: 'Kotohira-Gu-785' });
      expect((await clerk.call('GET', '/api/me')).status).toBe(200);

      expect((await admin.call('POST', '/api/admin/users/clerk-kagawa/deactivate')).body).toEqual({ id: 'clerk-kagawa', active: false });
      expect((await clerk.call('GET', '/api/me')).status).toBe(401);
      const refused = await login(clerk, 'clerk-kagawa', 'Kotohira-Gu-785');
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('login-failed');
      expect((await admin.call('GET', '/api/admin/users')).body.users.find((u: { id: string }) => u.id === 'clerk-kagawa')).toMatchObject({ active: false });

      await admin.call('POST', '/api/admin/users/clerk-kagawa/activate');
      expect((await login(clerk, 'clerk-kagawa', 'Kotohira-Gu-785')).status).toBe(200);
      expect((await admin.call('POST', '/api/admin/users/demo-facility-admin/deactivate')).body.error.code).toBe('own-account');
      await Promise.all([admin.close(), clerk.close()]);
    });

    it('a reset gives a new one-time password that must be changed, and ends the user\'s sessions', async () => {
      const operator = await signedIn('operator');
      const nurse = await signedIn('nurse');
      const nurseId = network.credentials.users.find((u) => u.role === 'nurse')!.id;
      const reset = await operator.call('POST', `/api/admin/users/${nurseId}/reset-password`);
      expect(reset.body).toEqual({ id: nurseId, password: expect.stringMatching(/^.{16}$/) });
      expect((await nurse.call('GET', '/api/me')).status).toBe(401);
      expect((await login(nurse, nurseId, reset.body.password)).body.user.mustChangePassword).toBe(true);
      await nurse.call('POST', '/api/me/password', { currentPassword: reset.body.password, newPassword: 'Marugame-Jo-1597' });
      network.credentials.users.find((u) => u.role === 'nurse')!.password = 'Marugame-Jo-1597';
      await Promise.all([operator.close(), nurse.close()]);
    });

    it('a facility administrator issues no operator, and reaches neither another facility\'s IDs nor an operator\'s', async () => {
      const operator = await signedIn('operator');
      await operator.call('POST', '/api/admin/users', { id: 'clinic-clerk', displayName: '診療所 受付', role: 'clerk', facilityCode: clinic });
      const admin = await signedIn('facility-admin');

      const asOperator = await admin.call('POST', '/api/admin/users', { id: 'new-operator', displayName: 'x', role: 'operator', facilityCode: hospital });
      expect(asOperator.status).toBe(403);
      expect(asOperator.body.error.code).toBe('role-not-allowed');
      const elsewhere = await admin.call('POST', '/api/admin/users', { id: 'elsewhere', displayName: 'x', role: 'clerk', facilityCode: clinic });
      expect(elsewhere.status).toBe(404);
      expect((await network.stores.identity.query("SELECT 1 FROM users WHERE id IN ('new-operator', 'elsewhere')")).rows).toEqual([]);

      const unknown = await admin.call('POST', '/api/admin/users/no-such-user/deactivate');
      for (const target of ['clinic-clerk', 'demo-operator']) {
        for (const action of ['deactivate', 'activate', 'reset-password']) {
          const refused = await admin.call('POST', `/api/admin/users/${target}/${action}`);
          expect(refused.status).toBe(404);
          expect(refused.body).toEqual(unknown.body);
        }
      }
      const list = (await admin.call('GET', '/api/admin/users')).body;
      expect(list.users.every((u: { facilityCode: string; role: string }) => u.facilityCode === hospital && u.role !== 'operator')).toBe(true);
      expect(list.roles).not.toContain('operator');
      expect(await auditOf('user.list')).toContainEqual(expect.objectContaining({ actor: 'demo-facility-admin', role: 'facility-admin', outcome: 'allowed' }));
      // Nothing changed for the users they could not reach.
      const { rows } = await network.stores.identity.query<{ active: boolean; must_change_password: boolean }>("SELECT active, must_change_password FROM users WHERE id = 'demo-operator'");
      expect(rows[0]).toEqual({ active: true, must_change_password: false });
      expect((await operator.call('GET', '/api/admin/users')).body.roles).toContain('operator');
      await Promise.all([operator.close(), admin.close()]);
    });

    it('counts wrong current passwords in a password change towards the terminal\'s back-off, as logins do', async () => {
      const operator = await signedIn('operator');
      const { password } = (await operator.call('POST', '/api/admin/users', { id: 'ph-naoshima', displayName: '直島 薬局', role: 'pharmacist', facilityCode: clinic })).body;
      const pharmacist = await Client.terminal(server, network, clinic);
      await login(pharmacist, 'ph-naoshima', password);
      for (let i = 1; i <= 5; i++) expect((await pharmacist.call('POST', '/api/me/password', { currentPassword: `guess ${i}`, newPassword: 'Naoshima-Art-2026' })).body.error.code).toBe('wrong-password');
      // The terminal now waits: even the right password is refused, in the same words.
      const backingOff = await pharmacist.call('POST', '/api/me/password', { currentPassword: password, newPassword: 'Naoshima-Art-2026' });
      expect(backingOff.status).toBe(403);
      expect(backingOff.body.error.code).toBe('wrong-password');
      expect((await login(await Client.terminal(server, network, clinic), 'ph-naoshima', password)).body.error.code).toBe('login-failed');
      // A reset by an administrator lifts the wait.
      const reset = (await operator.call('POST', '/api/admin/users/ph-naoshima/reset-password')).body;
      expect((await login(pharmacist, 'ph-naoshima', reset.password)).status).toBe(200);
      expect(await auditOf('me.password')).toContainEqual(expect.objectContaining({ actor: 'ph-naoshima', outcome: 'refused', detail: expect.objectContaining({ reason: 'wrong-password' }) }));
      await Promise.all([operator.close(), pharmacist.close()]);
    });

    it('clerks and clinicians cannot administer IDs', async () => {
      for (const role of ['clerk', 'doctor']) {
        const client = await signedIn(role);
        expect((await client.call('GET', '/api/admin/users')).status).toBe(403);
        expect((await client.call('POST', '/api/admin/users', { id: 'sneaky', displayName: 'x', role: 'operator', facilityCode: null })).status).toBe(403);
        expect((await client.call('POST', '/api/admin/users/demo-operator/deactivate')).status).toBe(403);
        expect((await client.call('POST', '/api/admin/users', { id: '!' })).status).toBe(403);
        await client.close();
      }
      expect((await network.stores.identity.query("SELECT 1 FROM users WHERE id = 'sneaky'")).rows).toEqual([]);
      // Personal settings ask who is logged in before reading what was sent.
      const nobody = await Client.terminal(server, network);
      expect((await nobody.call('POST', '/api/me/password', {})).status).toBe(401);
      expect((await nobody.call('POST', '/api/me/email', { email: 'not an address' })).status).toBe(401);
      await nobody.close();
    });

    it('flags IDs unused for the configured period', async () => {
      await network.stores.identity.query("UPDATE users SET last_login_at = now() - interval '120 days' WHERE id = 'demo-liaison'");
      await network.stores.identity.query("UPDATE users SET created_at = now() - interval '120 days', last_login_at = NULL WHERE id = 'clinic-clerk'");
      const operator = await signedIn('operator');
      const list = (await operator.call('GET', '/api/admin/users')).body;
      expect(list.unusedDays).toBe(90);
      const byId = new Map(list.users.map((u: { id: string; unused: boolean }) => [u.id, u.unused]));
      expect(byId.get('demo-liaison')).toBe(true);
      expect(byId.get('clinic-clerk')).toBe(true);
      expect(byId.get('demo-operator')).toBe(false);
      await operator.close();
    });
  });

  describe('personal settings', () => {
    it('every user sets their own e-mail address; a malformed one is refused and the address stays out of the audit trail', async () => {
      const doctor = await signedIn('doctor');
      expect((await doctor.call('POST', '/api/me/email', { email: 'not an address' })).status).toBe(400);
      expect((await doctor.call('POST', '/api/me/email', { email: 'taro@kagawa-hospital.example.jp' })).body).toEqual({ email: 'taro@kagawa-hospital.example.jp' });
      expect((await doctor.call('GET', '/api/me/settings')).body).toEqual({ email: 'taro@kagawa-hospital.example.jp' });
      const audit = await auditOf('me.email');
      expect(audit).toContainEqual(expect.objectContaining({ actor: 'demo-doctor', outcome: 'allowed' }));
      expect(JSON.stringify(audit)).not.toContain('taro@');
      expect((await doctor.call('POST', '/api/me/email', { email: '' })).body).toEqual({ email: null });
      await doctor.close();
    });
  });
});
