import { randomBytes } from 'node:crypto';
import { issueTerminalCertificate, normalizeSerial, registerTerminal, scopeCoversFacility, scopeFacility, toPkcs12, type AdminScope, type NetworkCa } from '@renkei/access';
import type { Db } from '@renkei/store';
import { credentialRefusal } from './admin-refusal.js';

export interface IssuedTerminal {
  serial: string;
  /** The PKCS#12 bundle: certificate, key and the network CA, under `password`. */
  p12: Buffer;
  password: string;
  notAfter: Date;
}

/** The name the secretariat's terminals go by where a facility's name would stand. */
export const SECRETARIAT_NAME = '連携事務局';

/**
 * Issues and registers a terminal certificate for a named PC of a facility,
 * or of the network's secretariat (`facilityCode` null: the operators' PCs).
 * Without a password, one is generated. An unknown facility is refused before
 * anything is issued. `beforeRegister` (e.g. writing the bundle to a file) runs
 * before the registration: if it fails, no terminal is registered.
 */
export async function issueTerminal(
  identity: Db,
  ca: NetworkCa,
  terminal: { facilityCode: string | null; name: string; password?: string; issuedBy?: string },
  beforeRegister?: (issued: IssuedTerminal) => Promise<void>,
): Promise<IssuedTerminal> {
  const issued = await certifyTerminalOf(identity, ca, terminal);
  await beforeRegister?.(issued);
  await registerIssuedTerminal(identity, issued, terminal);
  return issued;
}

/** A certificate for a PC of a known facility (or the secretariat), not yet registered: key generation stays outside any transaction. */
export async function certifyTerminalOf(identity: Db, ca: NetworkCa, terminal: { facilityCode: string | null; name: string; password?: string }): Promise<IssuedTerminal> {
  if (terminal.facilityCode !== null) {
    const facility = await identity.query('SELECT 1 FROM facilities WHERE code = $1', [terminal.facilityCode]);
    if (facility.rows.length === 0) throw credentialRefusal('unknown-facility', `unknown facility ${terminal.facilityCode}`);
  }
  return certifyTerminal(ca, terminal);
}

/** Registers a certificate made by `certifyTerminalOf` (in the caller's transaction, if `identity` is one). */
export async function registerIssuedTerminal(identity: Db, issued: IssuedTerminal, terminal: { facilityCode: string | null; name: string; issuedBy?: string }): Promise<void> {
  await registerTerminal(identity, { serial: issued.serial, facilityCode: terminal.facilityCode, name: terminal.name, notAfter: issued.notAfter, issuedBy: terminal.issuedBy });
}

/** A new certificate and its bundle, not yet registered. Key generation takes a while: it never runs inside a transaction. */
async function certifyTerminal(ca: NetworkCa, terminal: { facilityCode: string | null; name: string; password?: string }): Promise<IssuedTerminal> {
  const issued = await issueTerminalCertificate(ca, terminal);
  const password = terminal.password ?? randomBytes(12).toString('base64url');
  return { serial: issued.serial, p12: toPkcs12(issued, ca, password, terminal.name), password, notAfter: issued.notAfter };
}

export type TerminalStatus = 'active' | 'revoked' | 'renewed' | 'expired';

export interface TerminalListing {
  serial: string;
  /** null: the secretariat's. */
  facilityCode: string | null;
  facilityName: string;
  name: string;
  status: TerminalStatus;
  notAfter: Date;
  createdAt: Date;
  revokedAt: Date | null;
  issuedBy: string | null;
  renewedFrom: string | null;
}

/** The terminals in scope, newest first. */
export async function listTerminals(identity: Db, scope: AdminScope, now = new Date()): Promise<TerminalListing[]> {
  const { rows } = await identity.query<{
    serial: string;
    facility_code: string | null;
    facility_name: string | null;
    name: string;
    not_after: Date | string;
    created_at: Date | string;
    revoked_at: Date | string | null;
    revoked_reason: 'revoked' | 'renewed' | null;
    issued_by: string | null;
    renewed_from: string | null;
  }>(
    `SELECT t.serial, t.facility_code, f.name AS facility_name, t.name, t.not_after, t.created_at, t.revoked_at, t.revoked_reason, t.issued_by, t.renewed_from
       FROM terminals t LEFT JOIN facilities f ON f.code = t.facility_code
      WHERE $1::text IS NULL OR t.facility_code = $1
      ORDER BY t.created_at DESC, t.serial`,
    [scopeFacility(scope)],
  );
  return rows.map((r) => {
    const notAfter = new Date(r.not_after);
    const status: TerminalStatus = r.revoked_at ? (r.revoked_reason ?? 'revoked') : notAfter <= now ? 'expired' : 'active';
    return {
      serial: r.serial,
      facilityCode: r.facility_code?.trim() ?? null,
      facilityName: r.facility_name ?? SECRETARIAT_NAME,
      name: r.name,
      status,
      notAfter,
      createdAt: new Date(r.created_at),
      revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
      issuedBy: r.issued_by,
      renewedFrom: r.renewed_from,
    };
  });
}

/** A terminal in scope, locked for the rest of the transaction; outside the scope it does not exist. */
async function terminalInScope(tx: Db, scope: AdminScope, serial: string) {
  const normalized = normalizeSerial(serial);
  const { rows } = /^[0-9a-f]{1,64}$/.test(normalized)
    ? await tx.query<{ serial: string; facility_code: string | null; name: string; revoked_at: Date | null }>(
        'SELECT serial, facility_code, name, revoked_at FROM terminals WHERE serial = $1 FOR UPDATE',
        [normalized],
      )
    : { rows: [] };
  const row = rows[0];
  if (!row || !scopeCoversFacility(scope, row.facility_code)) throw credentialRefusal('not-found', `no terminal with serial ${serial}`);
  return { ...row, facility_code: row.facility_code?.trim() ?? null };
}

/** Revokes a terminal at once: its next request is refused (the gate asks on every request). */
export async function revokeTerminalInScope(identity: Db, scope: AdminScope, serial: string, now = new Date()): Promise<{ serial: string; facilityCode: string | null }> {
  return identity.transaction(async (tx) => {
    const terminal = await terminalInScope(tx, scope, serial);
    if (terminal.revoked_at) throw credentialRefusal('already-revoked', `terminal ${terminal.serial} is already revoked`);
    await tx.query("UPDATE terminals SET revoked_at = $2, revoked_reason = 'revoked' WHERE serial = $1", [terminal.serial, now]);
    return { serial: terminal.serial, facilityCode: terminal.facility_code };
  });
}

/**
 * A new certificate for the same PC; the old one is revoked in the same
 * transaction as the new one is registered, so that one PC never holds two
 * valid certificates.
 */
export async function renewTerminal(
  identity: Db,
  ca: NetworkCa,
  scope: AdminScope,
  serial: string,
  options: { password?: string; issuedBy: string; commit?: <T>(work: (tx: Db) => Promise<T>) => Promise<T> },
  now = new Date(),
): Promise<IssuedTerminal & { facilityCode: string | null; name: string; replaced: string }> {
  const old = await identity.transaction((tx) => terminalInScope(tx, scope, serial));
  if (old.revoked_at) throw credentialRefusal('already-revoked', `terminal ${old.serial} is revoked and cannot be renewed`);
  const renewed = await certifyTerminal(ca, { facilityCode: old.facility_code, name: old.name, password: options.password });
  // `commit` lets the caller add to the transaction that registers the renewal (its audit record).
  const commit = options.commit ?? ((work) => identity.transaction(work));
  await commit(async (tx) => {
    // Asked again under the lock: a revocation in the meantime wins.
    const current = await terminalInScope(tx, scope, serial);
    if (current.revoked_at) throw credentialRefusal('already-revoked', `terminal ${old.serial} is revoked and cannot be renewed`);
    await registerTerminal(tx, { serial: renewed.serial, facilityCode: old.facility_code, name: old.name, notAfter: renewed.notAfter, issuedBy: options.issuedBy, renewedFrom: old.serial });
    await tx.query("UPDATE terminals SET revoked_at = $2, revoked_reason = 'renewed' WHERE serial = $1", [old.serial, now]);
    return { serial: renewed.serial, facility: old.facility_code };
  });
  return { ...renewed, facilityCode: old.facility_code, name: old.name, replaced: old.serial };
}
