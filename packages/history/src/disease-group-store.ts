import type { DiseaseGroupDefinition } from '@renkei/api';
import type { Db } from '@renkei/store';
import { COVID_RISK_GROUPS } from './covid-risk-groups.js';

/** The built-in groups, then the ones operators added, oldest first. */
export async function listDiseaseGroups(clinical: Db): Promise<DiseaseGroupDefinition[]> {
  const { rows } = await clinical.query<{ definition: DiseaseGroupDefinition | string }>('SELECT definition FROM disease_groups ORDER BY created_at, id');
  return [...COVID_RISK_GROUPS, ...rows.map((r) => (typeof r.definition === 'string' ? JSON.parse(r.definition) : r.definition))];
}

/** Adds an operator's group; false if the id is taken (by a built-in or an earlier group). */
export async function addDiseaseGroup(clinical: Db, group: DiseaseGroupDefinition, createdBy: string): Promise<boolean> {
  if (COVID_RISK_GROUPS.some((g) => g.id === group.id)) return false;
  const { rows } = await clinical.query('INSERT INTO disease_groups (id, name, definition, created_by) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING RETURNING id', [
    group.id,
    group.name,
    JSON.stringify(group),
    createdBy,
  ]);
  return rows.length > 0;
}
