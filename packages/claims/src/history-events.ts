/**
 * Which lines of a receipt become history events, and in which category: pure
 * rules, no I/O. 診療行為 are sorted by the alphabet part of their 区分 in the
 * 医科診療行為 master (K 手術, J 処置, D 検査, E 画像, N 病理, …); drugs by the
 * 診療識別 group they stand in (21–28 投薬 and 31–33 注射 are medications; a
 * drug in a 処置, 手術 or 検査 group is that act's material).
 */
import type { ClaimItem, Receipt } from '@renkei/uke';

export type EventCategory = 'diagnosis' | 'medication' | 'procedure' | 'test';

export interface HistoryEvent {
  category: EventCategory;
  codeKind: 'b' | 's' | 'y' | 't';
  code: string;
  name: string | null;
  modifiers: string | null;
  icd10: string | null;
  startDate: string | null;
  outcome: number | null;
  suspected: boolean | null;
  main: boolean | null;
  dates: string[];
  quantity: number | null;
  times: number | null;
  days: number | null;
  route: string | null;
  usage: string | null;
  practice: string | null;
  groupNo: number | null;
  material: boolean;
}

/** The alphabet part of a 診療行為's 区分 (K, J, D, …), from the master where known. */
export type SectionOf = (code: string) => string | undefined;

const TEST_SECTIONS = new Set(['D', 'E', 'N']);
/** 在宅 (C), 処置, 手術, 麻酔, 放射線治療, リハビリ, 精神科専門療法. */
const PROCEDURE_SECTIONS = new Set(['C', 'J', 'K', 'L', 'M', 'H', 'I']);

/** Groups whose drugs and devices are materials of the act, not prescriptions. */
const ACT_GROUPS: Record<string, EventCategory> = { '40': 'procedure', '50': 'procedure', '54': 'procedure', '60': 'test', '70': 'test' };

const ROUTES: Record<string, string> = {
  '14': 'home', // 在宅: self-injected insulin and the like
  '21': 'oral',
  '22': 'as-needed',
  '23': 'topical',
  '28': 'oral',
  '31': 'injection',
  '32': 'injection',
  '33': 'injection',
};

/**
 * Without a master, the code itself tells most sections: 診療行為コード
 * 114… 在宅, 140… 処置, 150… 手術 (and 麻酔), 160… 検査, 170… 画像.
 */
export function sectionFromCode(code: string): string | undefined {
  switch (code.slice(0, 3)) {
    case '114':
      return 'C';
    case '140':
      return 'J';
    case '150':
      return 'K';
    case '160':
      return 'D';
    case '170':
      return 'E';
    default:
      return undefined;
  }
}

export function historyEvents(receipt: Receipt, sectionOf: SectionOf): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  forEachEvent(receipt, sectionOf, (event) => events.push({ ...event }));
  return events;
}

/**
 * Calls `visit` with each history event of the receipt, diagnoses first. The
 * event object is one, refilled for each call (building rows needs no object
 * per event): copy it to keep it.
 */
export function forEachEvent(receipt: Receipt, sectionOf: SectionOf, visit: (event: Readonly<HistoryEvent>) => void): void {
  const event: HistoryEvent = {
    category: 'diagnosis',
    codeKind: 'b',
    code: '',
    name: null,
    modifiers: null,
    icd10: null,
    startDate: null,
    outcome: null,
    suspected: null,
    main: null,
    dates: [],
    quantity: null,
    times: null,
    days: null,
    route: null,
    usage: null,
    practice: null,
    groupNo: null,
    material: false,
  };
  for (const d of receipt.diagnoses) {
    event.code = d.code;
    event.name = d.name;
    event.modifiers = d.modifiers || null;
    event.icd10 = d.icd10;
    event.startDate = d.startDate;
    event.outcome = d.outcome;
    event.suspected = d.suspected;
    event.main = d.main;
    event.dates = [];
    visit(event);
  }
  event.name = null;
  event.modifiers = null;
  event.icd10 = null;
  event.startDate = null;
  event.outcome = null;
  event.suspected = null;
  event.main = null;
  for (const item of receipt.items) {
    if (fillItemEvent(event, item, sectionOf)) visit(event);
  }
}

/** Fills `event` with what `item` tells; false when the item is no history event. */
function fillItemEvent(event: HistoryEvent, item: ClaimItem, sectionOf: SectionOf): boolean {
  const actGroup = ACT_GROUPS[item.practice];
  let category: EventCategory | undefined;
  let material = false;
  if (item.codeKind === 's') {
    const section = sectionOf(item.code) ?? sectionFromCode(item.code);
    if (section !== undefined && TEST_SECTIONS.has(section)) category = 'test';
    else if (section !== undefined && PROCEDURE_SECTIONS.has(section)) category = 'procedure';
  } else if (actGroup) {
    category = actGroup;
    material = true;
  } else if (item.codeKind === 'y') {
    category = 'medication';
  }
  if (!category) return false;
  const isMedication = category === 'medication';
  event.category = category;
  event.codeKind = item.codeKind;
  event.code = item.code;
  event.dates = item.dates;
  event.quantity = item.quantity;
  event.times = item.times;
  // 内服: 回数 is the number of days; 調剤 gives the days supplied itself.
  event.days = item.days ?? (isMedication && item.practice === '21' ? item.times : null);
  event.route = isMedication ? (ROUTES[item.practice] ?? null) : null;
  event.usage = item.usage;
  event.practice = item.practice;
  event.groupNo = item.groupNo;
  event.material = material;
  return true;
}
