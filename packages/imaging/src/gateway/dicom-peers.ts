/**
 * The AE titles each facility registers for its PACS and modalities: the
 * only callers the C-STORE gateway accepts, and the facility their images
 * are stored for.
 */
import type { Db } from '@renkei/store';

export interface DicomPeer {
  aeTitle: string;
  facilityCode: string;
  /** The address it must connect from; null: any. */
  address: string | null;
}

const AE_TITLE = /^[ -~]{1,16}$/;

/** Registers (or moves to `facilityCode`, with a new address) an AE title. */
export async function registerDicomPeer(identity: Db, peer: DicomPeer): Promise<void> {
  const aeTitle = peer.aeTitle.trim();
  if (!AE_TITLE.test(aeTitle) || aeTitle.includes('\\')) throw new Error(`AE title "${peer.aeTitle}" must be 1–16 printable ASCII characters without a backslash`);
  await identity.query(
    `INSERT INTO dicom_peers (ae_title, facility_code, address) VALUES ($1, $2, $3)
     ON CONFLICT (ae_title) DO UPDATE SET facility_code = EXCLUDED.facility_code, address = EXCLUDED.address`,
    [aeTitle, peer.facilityCode, peer.address],
  );
}

/** The registered peer of this AE title at an active facility, if it may connect from `address`. */
export async function findDicomPeer(identity: Db, aeTitle: string, address: string | undefined): Promise<DicomPeer | undefined> {
  const { rows } = await identity.query<{ ae_title: string; facility_code: string; address: string | null }>(
    `SELECT p.ae_title, p.facility_code, p.address FROM dicom_peers p JOIN facilities f ON f.code = p.facility_code
      WHERE p.ae_title = $1 AND f.status = 'active'`,
    [aeTitle.trim()],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.address !== null && normalizeAddress(row.address) !== normalizeAddress(address ?? '')) return undefined;
  return { aeTitle: row.ae_title, facilityCode: row.facility_code.trim(), address: row.address };
}

function normalizeAddress(address: string): string {
  return address.replace(/^::ffff:/, '');
}
