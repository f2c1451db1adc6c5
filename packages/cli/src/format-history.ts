import type { PersonHistory } from '@renkei/history';

const OUTCOME_LABELS = { continuing: '継続', cured: '治ゆ', died: '死亡', discontinued: '中止' } as const;

/** The history as a short text for a terminal. */
export function formatHistory(history: PersonHistory): string {
  const out: string[] = [];
  out.push(`傷病名 (${history.diagnoses.length})`);
  for (const d of history.diagnoses) {
    const flags = [d.suspected ? '疑い' : '', d.main ? '主' : '', OUTCOME_LABELS[d.outcome]].filter(Boolean).join('・');
    out.push(`  ${d.name}  [${d.icd10 ?? '-'}]  開始 ${d.startDate ?? '-'}  ${flags}  (${d.firstMonth}〜${d.lastMonth})`);
  }
  out.push(`投薬 (${history.medications.length})`);
  for (const m of history.medications) out.push(`  ${m.name}  ${m.usage ?? ''}  ${m.days ?? '-'}日分  最終 ${m.dates.at(-1) ?? m.months.at(-1)}  (${m.dates.length}回)`);
  for (const [label, items] of [['手術・処置', history.procedures], ['検査', history.tests]] as const) {
    out.push(`${label} (${items.length})`);
    for (const a of items) out.push(`  ${a.name}  [${a.section ?? '-'}]  ${a.dates.join(', ') || a.months.join(', ')}`);
  }
  return out.join('\n');
}
