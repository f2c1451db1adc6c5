import type { Db } from '@renkei/store';
import { identifyCaller } from './caller.js';
import { normalizeSerial } from './network-ca.js';

/** A registered PC of a facility, or of the network's secretariat (no facility), known by its certificate's serial. */
export interface Terminal {
  serial: string;
  facilityCode: string | null;
  name: string;
}

/** Registers a terminal certificate; `issuedBy` names the administrator, `renewedFrom` the certificate a renewal replaces. */
export async function registerTerminal(db: Db, terminal: Terminal & { notAfter: Date; issuedBy?: string; renewedFrom?: string }): Promise<void> {
  await db.query('INSERT INTO terminals (serial, facility_code, name, not_after, issued_by, renewed_from) VALUES ($1, $2, $3, $4, $5, $6)', [
    normalizeSerial(terminal.serial),
    terminal.facilityCode,
    terminal.name,
    terminal.notAfter,
    terminal.issuedBy ?? null,
    terminal.renewedFrom ?? null,
  ]);
}

/** Revokes a terminal at once: its next request is refused. False if no such active terminal. */
export async function revokeTerminal(db: Db, serial: string, now = new Date()): Promise<boolean> {
  const { rows } = await db.query('UPDATE terminals SET revoked_at = $2 WHERE serial = $1 AND revoked_at IS NULL RETURNING serial', [normalizeSerial(serial), now]);
  return rows.length > 0;
}

/** The terminal behind a verified client certificate, if it is registered, unrevoked and unexpired, at an active facility. */
export async function findActiveTerminal(db: Db, serial: string, now = new Date()): Promise<Terminal | undefined> {
  return (await identifyCaller(db, { terminalSerial: serial }, undefined, now))?.terminal;
}

/** The names of terminals by certificate serial, for lists people read (an access log shows 「外来1」, not a hex serial). */
export async function terminalNames(db: Db, serials: readonly string[]): Promise<Map<string, string>> {
  if (serials.length === 0) return new Map();
  const { rows } = await db.query<{ serial: string; name: string }>('SELECT serial, name FROM terminals WHERE serial = ANY($1::text[])', [[...new Set(serials)]]);
  return new Map(rows.map((t) => [t.serial, t.name]));
}
