import { DEFAULT_ACCESS_LIMITS, RATE_LIMITS, registerTerminal, type AccessLimits, type RateLimits } from '@renkei/access';
import { Client, demoUser, openTestNetwork, startInjectedServer, type RunningServer, type TestNetwork } from '@renkei/demo/testing';
import { testEngines } from '@renkei/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Logins as an attacker with a terminal would try them: concurrent guesses, locking others out, probing IDs, logging in elsewhere. */
describe.each(testEngines())('logins on %s', (engine) => {
  let network: TestNetwork;
  let server: RunningServer;
  const limits: AccessLimits = { ...DEFAULT_ACCESS_LIMITS, terminalFailuresBeforeBackoff: 5, userFailuresBeforeLock: 12 };
  beforeAll(async () => {
    network = await openTestNetwork(engine);
    // Rate limits wide enough that the lockout, not the rate limit, answers the guesses here (the rate limit has its own test).
    const wide = { hits: 1000, seconds: 60 };
    const rateLimits: RateLimits = { ...RATE_LIMITS, login: { terminal: wide, user: wide } };
    server = await startInjectedServer(network, { limits, rateLimits });
  });
  afterAll(async () => {
    await server?.close();
    await network?.close();
  });

  const hospital = () => network.credentials.terminal.facility;
  const at = (facility: string | null) => Client.terminal(server, network, facility);
  const login = (client: Client, userId: string, password: string) => client.call('POST', '/api/login', { userId, password });

  it('counts 30 concurrent wrong passwords from one terminal, so that the right one then waits there, and works on another terminal', async () => {
    const attacker = await at(hospital());
    const nurse = demoUser(network, 'nurse');
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => login(attacker, nurse.id, `guess number ${i}`)));
    expect(new Set(guesses.map((g) => `${g.status} ${g.body.error.code}`))).toEqual(new Set(['401 login-failed']));
    expect((await login(attacker, nurse.id, nurse.password)).status).toBe(401);
    const { rows } = await network.stores.identity.query<{ failed_logins: number; failures_since_login: number }>('SELECT failed_logins, failures_since_login FROM users WHERE id = $1', [nurse.id]);
    expect(rows[0]).toEqual({ failed_logins: limits.terminalFailuresBeforeBackoff, failures_since_login: limits.terminalFailuresBeforeBackoff });
    // The attack did not lock the nurse out of the hospital's other PCs.
    await registerTerminal(network.stores.identity, { serial: 'ab1234', facilityCode: hospital(), name: '病棟PC', notAfter: new Date('2030-01-01') });
    const ward = Client.injected(server, 'ab1234');
    const there = await login(ward, nurse.id, nurse.password);
    expect(there.status).toBe(200);
    expect(there.body.failedLoginsSinceLastLogin).toBe(limits.terminalFailuresBeforeBackoff);
    await Promise.all([attacker.close(), ward.close()]);
  });

  it('answers a locked, an unknown and a wrong-password login alike, and tells the user at the next login how many failures there were', async () => {
    const dentist = demoUser(network, 'dentist');
    const terminal = await at(hospital());
    const wrong = await login(terminal, dentist.id, 'not the password at all');
    const unknown = await login(terminal, 'no-such-user', 'not the password at all');
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.body).toEqual(wrong.body);
    // From several terminals the user is locked everywhere: the answer is still the same.
    for (let i = 0; i < limits.userFailuresBeforeLock; i++) await network.stores.identity.query('DELETE FROM login_failures WHERE user_id = $1', [dentist.id]).then(() => login(terminal, dentist.id, `wrong ${i}`));
    const locked = await login(terminal, dentist.id, dentist.password);
    expect(locked.body).toEqual(wrong.body);
    // The lock lifts with time; the next login says how many wrong passwords were typed.
    await network.stores.identity.query('UPDATE users SET locked_until = now() - interval \'1 minute\' WHERE id = $1', [dentist.id]);
    await network.stores.identity.query('DELETE FROM login_failures WHERE user_id = $1', [dentist.id]);
    const ok = await login(terminal, dentist.id, dentist.password);
    expect(ok.status).toBe(200);
    expect(ok.body.failedLoginsSinceLastLogin).toBe(limits.userFailuresBeforeLock);
    expect((await login(terminal, dentist.id, dentist.password)).body.failedLoginsSinceLastLogin).toBe(0);
    await terminal.close();
  });

  it('counts concurrent wrong current passwords in a password change the same way', async () => {
    const liaison = await Client.signedIn(server, network, 'liaison');
    const tries = await Promise.all(Array.from({ length: 20 }, (_, i) => liaison.call('POST', '/api/me/password', { currentPassword: `guess ${i}`, newPassword: 'Kotohira-Gu-7851' })));
    expect(tries.every((t) => t.body.error.code === 'wrong-password')).toBe(true);
    const right = await liaison.call('POST', '/api/me/password', { currentPassword: demoUser(network, 'liaison').password, newPassword: 'Kotohira-Gu-7851' });
    expect(right.body.error.code).toBe('wrong-password');
    const { rows } = await network.stores.identity.query<{ failed_logins: number }>('SELECT failed_logins FROM users WHERE id = $1', [demoUser(network, 'liaison').id]);
    expect(rows[0]!.failed_logins).toBe(limits.terminalFailuresBeforeBackoff);
    await liaison.close();
  });

  it("lets staff log in only at their own facility, operators only at the secretariat's, and ends a session when its facility is suspended", async () => {
    const pharmacist = demoUser(network, 'pharmacist');
    const atHospital = await at(hospital());
    const refused = await login(atHospital, pharmacist.id, pharmacist.password);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('terminal-not-yours');
    const operator = demoUser(network, 'operator');
    expect((await login(atHospital, operator.id, operator.password)).body.error.code).toBe('terminal-not-yours');
    expect((await login(await at(null), operator.id, operator.password)).status).toBe(200);

    const atPharmacy = await Client.signedIn(server, network, 'pharmacist');
    expect((await atPharmacy.call('GET', '/api/me')).status).toBe(200);
    await network.stores.identity.query("UPDATE facilities SET status = 'suspended' WHERE code = $1", [pharmacist.facility]);
    try {
      expect((await atPharmacy.call('GET', '/api/me')).status).toBe(403);
    } finally {
      await network.stores.identity.query("UPDATE facilities SET status = 'active' WHERE code = $1", [pharmacist.facility]);
    }
    // The terminal and the session stop while the facility is suspended, and go on when it is active again.
    expect((await atPharmacy.call('GET', '/api/me')).status).toBe(200);
    await Promise.all([atHospital.close(), atPharmacy.close()]);
  });

  it('limits logins per terminal and per typed ID, across server processes (counted in the database)', async () => {
    const strict = await startInjectedServer(network, { rateLimits: { ...RATE_LIMITS, login: { terminal: { hits: 100, seconds: 60 }, user: { hits: 3, seconds: 60 } } } });
    const one = await Client.terminal(strict, network);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(one, 'someone-typed', 'x')).status);
    // The same ID through another server process: the count holds.
    const another = await startInjectedServer(network, { rateLimits: { ...RATE_LIMITS, login: { terminal: { hits: 100, seconds: 60 }, user: { hits: 3, seconds: 60 } } } });
    const two = await Client.terminal(another, network);
    statuses.push((await login(two, 'someone-typed', 'x')).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    await Promise.all([one.close(), two.close(), strict.close(), another.close()]);
  });

  it('holds one session per user: a login on another PC ends the first', async () => {
    const first = await Client.signedIn(server, network, 'clerk');
    const second = await Client.signedIn(server, network, 'clerk');
    expect((await second.call('GET', '/api/me')).status).toBe(200);
    expect((await first.call('GET', '/api/me')).status).toBe(401);
    await Promise.all([first.close(), second.close()]);
  });
});
