/**
 * Links the desk may not make itself: two persons whose names or birth dates
 * differ are one patient only if the network's operator says so (a merge of
 * two different people would show one the other's history). The desk files
 * the request; the operator approves (the link is made) or refuses it.
 */
import type { Db } from '@renkei/store';
import { linkPersons, type LinkResult } from './person-links.js';

export interface PersonLinkRequest {
  requestId: number;
  keptPersonId: string;
  mergedPersonId: string;
  differs: string[];
  requestedBy: string;
  facilityCode: string;
  requestedAt: Date;
  status: 'pending' | 'approved' | 'refused';
  decidedBy: string | null;
  decidedAt: Date | null;
  linkId: number | null;
}

export async function requestPersonLink(db: Db, request: { keptPersonId: string; mergedPersonId: string; differs: readonly string[]; requestedBy: string; facilityCode: string }): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO person_link_requests (kept_person_id, merged_person_id, differs, requested_by, facility_code) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [request.keptPersonId, request.mergedPersonId, [...request.differs], request.requestedBy, request.facilityCode],
  );
  return Number(rows[0]!.id);
}

export async function listPersonLinkRequests(db: Db, limit = 200): Promise<PersonLinkRequest[]> {
  const { rows } = await db.query<Row>(`SELECT * FROM person_link_requests ORDER BY status = 'pending' DESC, coalesce(decided_at, requested_at) DESC LIMIT $1`, [limit]);
  return rows.map(toRequest);
}

/** The operator's decision; an approval links the two as the desk asked. A decided request is not decided again. */
export async function decidePersonLinkRequest(
  db: Db,
  requestId: number,
  decision: { approve: boolean; note: string | null; operatorId: string },
  now = new Date(),
): Promise<{ request: PersonLinkRequest; link?: LinkResult } | undefined> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<Row>("SELECT * FROM person_link_requests WHERE id = $1 AND status = 'pending' FOR UPDATE", [requestId]);
    const row = rows[0];
    if (!row) return undefined;
    const link = decision.approve ? await linkPersons(tx, { keptPersonId: row.kept_person_id, mergedPersonId: row.merged_person_id, linkedBy: decision.operatorId, facilityCode: row.facility_code }) : undefined;
    if (link?.status === 'refused') return { request: toRequest(row), link };
    const decided = await tx.query<Row>(
      'UPDATE person_link_requests SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5, link_id = $6 WHERE id = $1 RETURNING *',
      [requestId, decision.approve ? 'approved' : 'refused', decision.operatorId, now, decision.note, link?.status === 'linked' ? link.linkId : null],
    );
    return { request: toRequest(decided.rows[0]!), ...(link ? { link } : {}) };
  });
}

interface Row {
  id: string | number;
  kept_person_id: string;
  merged_person_id: string;
  differs: string[];
  requested_by: string;
  facility_code: string;
  requested_at: Date | string;
  status: PersonLinkRequest['status'];
  decided_by: string | null;
  decided_at: Date | string | null;
  link_id: string | number | null;
}

function toRequest(r: Row): PersonLinkRequest {
  return {
    requestId: Number(r.id),
    keptPersonId: r.kept_person_id,
    mergedPersonId: r.merged_person_id,
    differs: r.differs,
    requestedBy: r.requested_by,
    facilityCode: r.facility_code.trim(),
    requestedAt: new Date(r.requested_at),
    status: r.status,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? new Date(r.decided_at) : null,
    linkId: r.link_id === null ? null : Number(r.link_id),
  };
}
