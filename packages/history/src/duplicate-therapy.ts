/**
 * ★ Duplicate therapy (重複投薬): two drugs that do the same thing, supplied
 * for the same days, often from two facilities that do not know of each
 * other. Judged on the dispensings themselves, so that it stays quiet for a
 * switch: a drug whose last dispensing came before the other's first is a
 * switch, however long its last supply ran on. Pure.
 */
import type { DuplicateTherapy, MedicationItem } from '@renkei/api';

/**
 * Groups of drugs that duplicate one another, by ingredient (the first 7
 * characters of the YJ code: 薬効分類 4 digits, then the ingredient). A 薬効分類
 * alone is too coarse: 2149 holds the ARBs and carvedilol, 3969 the DPP-4 and
 * SGLT2 inhibitors, which are given together on purpose; aspirin with
 * clopidogrel (3399) is dual antiplatelet therapy, not a duplicate.
 */
export const THERAPEUTIC_GROUPS: ReadonlyArray<{ id: string; name: string; ingredients: readonly string[] }> = [
  { id: 'arb', name: 'ARB（アンジオテンシンII受容体拮抗薬）', ingredients: ['2149039', '2149040', '2149041', '2149042', '2149044', '2149046', '2149048'] },
  { id: 'statin', name: 'スタチン（HMG-CoA還元酵素阻害薬）', ingredients: ['2189010', '2189011', '2189012', '2189015', '2189016', '2189017'] },
  { id: 'dpp4', name: 'DPP-4阻害薬', ingredients: ['3969010', '3969011', '3969012', '3969014', '3969015', '3969016', '3969017'] },
  { id: 'ppi', name: 'プロトンポンプ阻害薬・P-CAB', ingredients: ['2329022', '2329023', '2329027', '2329028', '2329029', '2329030'] },
  { id: 'nsaid', name: '非ステロイド性抗炎症薬（内服）', ingredients: ['1149019', '1149037', '1147002', '1149001', '1149010'] },
  { id: 'anticoagulant', name: '抗凝固薬（DOAC・ワルファリン）', ingredients: ['3332001', '3339001', '3339002', '3339003', '3339004'] },
];

const SAME_INGREDIENT = { id: 'same-ingredient', name: '同一成分' };

/** Routes that can duplicate each other: a tablet and an eye drop of one ingredient do not. */
const ROUTE_KIND: Record<string, string> = { oral: 'oral', 'as-needed': 'oral', topical: 'topical', injection: 'injection', home: 'home' };

interface Course {
  item: MedicationItem;
  yjCode: string;
  /** Supply intervals, [from, to) in days since the epoch. */
  supplies: Array<[number, number]>;
  first: number;
  last: number;
}

const DAY_MS = 86_400_000;
const dayOf = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The duplicate therapies in a person's medications, most recent first. */
export function findDuplicateTherapy(medications: readonly MedicationItem[]): DuplicateTherapy[] {
  const courses: Course[] = [];
  for (const item of medications) {
    if (!item.yjCode || item.dispensings.length === 0) continue;
    const supplies = item.dispensings.map((d): [number, number] => [dayOf(d.date), dayOf(d.date) + Math.max(1, d.days ?? 1)]);
    courses.push({ item, yjCode: item.yjCode, supplies, first: supplies[0]![0], last: supplies.at(-1)![0] });
  }
  const found: DuplicateTherapy[] = [];
  for (let i = 0; i < courses.length; i++) {
    for (let j = i + 1; j < courses.length; j++) {
      const [a, b] = [courses[i]!, courses[j]!];
      if (a.item.code === b.item.code) continue;
      if ((ROUTE_KIND[a.item.route ?? 'oral'] ?? 'oral') !== (ROUTE_KIND[b.item.route ?? 'oral'] ?? 'oral')) continue;
      const group = groupOf(a.yjCode, b.yjCode);
      if (!group) continue;
      const overlap = concurrent(a, b);
      if (!overlap) continue;
      const prescribers = (c: Course) => c.item.prescribers.map((f) => f.code);
      found.push({
        group: group.id,
        groupName: group.name,
        therapeuticClass: a.yjCode.slice(0, 4),
        drugs: [a, b].map((c) => ({ code: c.item.code, name: c.item.name, yjCode: c.yjCode, first: dateOf(c.first), last: dateOf(c.last), prescribers: c.item.prescribers })),
        overlapFrom: dateOf(overlap[0]),
        overlapTo: dateOf(overlap[1] - 1),
        differentFacilities: !prescribers(a).some((code) => prescribers(b).includes(code)),
      });
    }
  }
  return found.sort((x, y) => y.overlapTo.localeCompare(x.overlapTo));
}

function groupOf(a: string, b: string): { id: string; name: string } | undefined {
  const [ia, ib] = [a.slice(0, 7), b.slice(0, 7)];
  if (ia === ib) return SAME_INGREDIENT;
  return THERAPEUTIC_GROUPS.find((g) => g.ingredients.includes(ia) && g.ingredients.includes(ib));
}

/**
 * The days both drugs were supplied, if each was dispensed again on or after
 * the other's first dispensing (taken together, not one replacing the other).
 */
function concurrent(a: Course, b: Course): [number, number] | undefined {
  const [earlier, later] = a.first <= b.first ? [a, b] : [b, a];
  if (earlier.last < later.first) return undefined;
  let from = Infinity;
  let to = -Infinity;
  for (const [af, at] of a.supplies) {
    for (const [bf, bt] of b.supplies) {
      const start = Math.max(af, bf);
      const end = Math.min(at, bt);
      if (start < end) {
        from = Math.min(from, start);
        to = Math.max(to, end);
      }
    }
  }
  return from < to ? [from, to] : undefined;
}
