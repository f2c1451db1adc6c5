/**
 * The AE titles each facility registers for its PACS and modalities: the
 * only callers the C-STORE gateway accepts, and the facility their images
 * are stored for; with a host and port, also where the gateway sends a
 * study back (C-STORE SCU export).
 */
import { isIP } from 'node:net';
import { Refusal } from '@renkei/access';
import type { Db } from '@renkei/store';

export interface DicomPeer {
  aeTitle: string;
  facilityCode: string;
  /** The address it must connect from; null: any. */
  address: string | null;
  /** Where it receives a study sent back to it (its C-STORE SCP); null: it is not sent studies. */
  exportTo?: { host: string; port: number } | null;
}

export interface ListedDicomPeer extends DicomPeer {
  exportTo: { host: string; port: number } | null;
  facilityName: string;
  registeredAt: Date;
}

/** Why a peer's registration was refused: each code's kind and the answer a user is shown. */
const PEER_REFUSALS = {
  'ae-title-invalid': ['invalid', 'AEタイトルは1〜16文字の半角英数字・記号で入力してください（バックスラッシュ・制御文字・空白のみは使えません）'],
  'peer-address-invalid': ['invalid', '接続元アドレスはIPアドレス（例：192.0.2.10）で入力してください'],
  'export-host-invalid': ['invalid', '送信先ホストはホスト名またはIPアドレスで入力してください'],
  'export-port-invalid': ['invalid', '送信先ポートは1〜65535の番号で入力してください'],
  'ae-title-taken': ['conflict', 'このAEタイトルは他の施設で登録されています。別のAEタイトルにしてください'],
  'dicom-peer-not-found': ['not-found', '該当するAEタイトルが見つかりません'],
} as const satisfies Record<string, readonly [Refusal['kind'], string]>;

export type DicomPeerRefusalCode = keyof typeof PEER_REFUSALS;

export function dicomPeerRefusal(code: DicomPeerRefusalCode, message: string): Refusal {
  const [kind, answer] = PEER_REFUSALS[code];
  return new Refusal(kind, code, message, answer);
}

/**
 * An AE title as DICOM has it (PS3.5 §6.2, AE): 1–16 characters of the
 * default repertoire (printable ASCII), no backslash, no control characters;
 * leading and trailing spaces are not significant, so one of spaces only is
 * none. Undefined if it is not one.
 */
export function normalAeTitle(text: string): string | undefined {
  if (typeof text !== 'string' || text.length > 64) return undefined;
  const trimmed = text.replace(/^ +| +$/g, '');
  if (trimmed.length < 1 || trimmed.length > 16) return undefined;
  if (!/^[\x20-\x7e]+$/.test(trimmed) || trimmed.includes('\\')) return undefined;
  return trimmed;
}

/** An IPv4 or IPv6 address as given (an IPv4-mapped IPv6 address as IPv4); undefined if it is not one. */
export function normalAddress(text: string): string | undefined {
  const trimmed = text.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return isIP(trimmed) ? trimmed.toLowerCase() : undefined;
}

/** A host name (RFC 1123 labels) or an IP address; undefined if it is neither. */
export function normalHost(text: string): string | undefined {
  const trimmed = text.trim().toLowerCase();
  if (isIP(trimmed)) return trimmed;
  if (trimmed.length < 1 || trimmed.length > 253) return undefined;
  const labels = trimmed.replace(/\.$/, '').split('.');
  // All digits and dots is a malformed IPv4 address, not a name.
  if (labels.every((l) => /^\d+$/.test(l))) return undefined;
  return labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l)) ? trimmed.replace(/\.$/, '') : undefined;
}

/** The peer as it will be stored, or the refusal of its first field at fault. */
export function validDicomPeer(peer: { aeTitle: string; facilityCode: string; address?: string | null; exportTo?: { host: string; port: number } | null }): DicomPeer {
  const aeTitle = normalAeTitle(peer.aeTitle);
  if (!aeTitle) throw dicomPeerRefusal('ae-title-invalid', `AE title "${String(peer.aeTitle).slice(0, 20)}" must be 1–16 characters of the DICOM default repertoire, without a backslash or control characters, and not only spaces`);
  let address: string | null = null;
  if (peer.address !== undefined && peer.address !== null && peer.address.trim() !== '') {
    const normal = normalAddress(peer.address);
    if (!normal) throw dicomPeerRefusal('peer-address-invalid', `address "${peer.address.slice(0, 64)}" is not an IP address`);
    address = normal;
  }
  let exportTo: DicomPeer['exportTo'] = null;
  if (peer.exportTo) {
    const host = normalHost(peer.exportTo.host);
    if (!host) throw dicomPeerRefusal('export-host-invalid', `export host "${String(peer.exportTo.host).slice(0, 64)}" is neither a host name nor an IP address`);
    const port = peer.exportTo.port;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw dicomPeerRefusal('export-port-invalid', `export port ${String(port)} is not 1–65535`);
    exportTo = { host, port };
  }
  return { aeTitle, facilityCode: peer.facilityCode, address, exportTo };
}

/** Registers (or moves to `facilityCode`, with a new address) an AE title. */
export async function registerDicomPeer(identity: Db, peer: DicomPeer): Promise<void> {
  const valid = validDicomPeer(peer);
  await identity.query(
    `INSERT INTO dicom_peers (ae_title, facility_code, address, export_host, export_port) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (ae_title) DO UPDATE SET facility_code = EXCLUDED.facility_code, address = EXCLUDED.address, export_host = EXCLUDED.export_host, export_port = EXCLUDED.export_port`,
    [valid.aeTitle, valid.facilityCode, valid.address, valid.exportTo?.host ?? null, valid.exportTo?.port ?? null],
  );
}

/**
 * Registers an AE title for its facility, or changes the address and export
 * of one the facility has: an AE title another facility holds is refused, not
 * moved (the gateway would store that facility's images under this one).
 * Answers whether it was new.
 */
export async function saveDicomPeer(tx: Db, peer: DicomPeer): Promise<{ peer: DicomPeer; created: boolean }> {
  const valid = validDicomPeer(peer);
  const { rows } = await tx.query<{ facility_code: string }>('SELECT facility_code FROM dicom_peers WHERE ae_title = $1 FOR UPDATE', [valid.aeTitle]);
  const held = rows[0]?.facility_code.trim();
  if (held !== undefined && held !== valid.facilityCode) throw dicomPeerRefusal('ae-title-taken', `AE title ${valid.aeTitle} is registered for another facility`);
  await registerDicomPeer(tx, valid);
  return { peer: valid, created: held === undefined };
}

/** The registered peers of one facility (null: of all), by AE title. */
export async function listDicomPeers(identity: Db, facilityCode: string | null): Promise<ListedDicomPeer[]> {
  const { rows } = await identity.query<{ ae_title: string; facility_code: string; facility_name: string; address: string | null; export_host: string | null; export_port: number | null; registered_at: Date | string }>(
    `SELECT p.ae_title, p.facility_code, f.name AS facility_name, p.address, p.export_host, p.export_port, p.registered_at
       FROM dicom_peers p JOIN facilities f ON f.code = p.facility_code
      WHERE $1::text IS NULL OR p.facility_code = $1
      ORDER BY p.facility_code, p.ae_title`,
    [facilityCode],
  );
  return rows.map((r) => ({
    aeTitle: r.ae_title,
    facilityCode: r.facility_code.trim(),
    facilityName: r.facility_name,
    address: r.address,
    exportTo: r.export_host !== null && r.export_port !== null ? { host: r.export_host, port: r.export_port } : null,
    registeredAt: new Date(r.registered_at),
  }));
}

/** Removes an AE title of `facilityCode` (null: of any facility); one of another facility does not exist. */
export async function removeDicomPeer(tx: Db, aeTitle: string, facilityCode: string | null): Promise<DicomPeer> {
  const title = normalAeTitle(aeTitle);
  const { rows } = title
    ? await tx.query<{ ae_title: string; facility_code: string; address: string | null }>(
        'DELETE FROM dicom_peers WHERE ae_title = $1 AND ($2::text IS NULL OR facility_code = $2) RETURNING ae_title, facility_code, address',
        [title, facilityCode],
      )
    : { rows: [] };
  const row = rows[0];
  if (!row) throw dicomPeerRefusal('dicom-peer-not-found', `no AE title ${String(aeTitle).slice(0, 20)}`);
  return { aeTitle: row.ae_title, facilityCode: row.facility_code.trim(), address: row.address };
}

/** The registered peer of this AE title at an active facility, if it may connect from `address`. */
export async function findDicomPeer(identity: Db, aeTitle: string, address: string | undefined): Promise<DicomPeer | undefined> {
  const title = normalAeTitle(aeTitle);
  if (!title) return undefined;
  const { rows } = await identity.query<{ ae_title: string; facility_code: string; address: string | null }>(
    `SELECT p.ae_title, p.facility_code, p.address FROM dicom_peers p JOIN facilities f ON f.code = p.facility_code
      WHERE p.ae_title = $1 AND f.status = 'active'`,
    [title],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.address !== null && normalizeAddress(row.address) !== normalizeAddress(address ?? '')) return undefined;
  return { aeTitle: row.ae_title, facilityCode: row.facility_code.trim(), address: row.address };
}

/** The registered peer of this AE title at an active facility, with where it receives studies (if it does); the caller asks the policy whether it may send there. */
export async function registeredPeer(identity: Db, aeTitle: string): Promise<(DicomPeer & { exportTo: { host: string; port: number } | null }) | undefined> {
  const title = normalAeTitle(aeTitle);
  if (!title) return undefined;
  const { rows } = await identity.query<{ ae_title: string; facility_code: string; address: string | null; export_host: string | null; export_port: number | null }>(
    `SELECT p.ae_title, p.facility_code, p.address, p.export_host, p.export_port FROM dicom_peers p JOIN facilities f ON f.code = p.facility_code
      WHERE p.ae_title = $1 AND f.status = 'active'`,
    [title],
  );
  const row = rows[0];
  if (!row) return undefined;
  const exportTo = row.export_host !== null && row.export_port !== null ? { host: row.export_host, port: row.export_port } : null;
  return { aeTitle: row.ae_title, facilityCode: row.facility_code.trim(), address: row.address, exportTo };
}

function normalizeAddress(address: string): string {
  return address.replace(/^::ffff:/, '').toLowerCase();
}
