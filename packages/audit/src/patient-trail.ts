import type { Db } from '@renkei/store';

/** One line of a patient's own access log. */
export interface PatientTrailRecord {
  at: Date;
  facility: string | null;
  role: string | null;
  terminal: string | null;
  actorKind: 'person' | 'process';
  action: string;
}

/**
 * What a patient asking "who looked, and who made my cards" wants to see:
 * every allowed read of their history, and every card issued for them, newest first.
 */
const PATIENT_TRAIL = `outcome = 'allowed' AND (action LIKE 'patient.%' OR action IN ('card.present', 'history.view', 'card.issue', 'card.reissue'))`;

export async function readPatientTrail(clinical: Db, pseudonyms: readonly string[], limit = 5000): Promise<PatientTrailRecord[]> {
  const { rows } = await clinical.query<{ at: Date | string; facility: string | null; role: string | null; terminal: string | null; actor_kind: 'person' | 'process'; action: string }>(
    `SELECT at, facility, role, terminal, actor_kind, action FROM audit_events WHERE pseudonym = ANY($1::uuid[]) AND ${PATIENT_TRAIL} ORDER BY at DESC, id DESC LIMIT $2`,
    [[...pseudonyms], limit],
  );
  return rows.map((r) => ({ at: new Date(r.at), facility: r.facility, role: r.role, terminal: r.terminal, actorKind: r.actor_kind, action: r.action }));
}
