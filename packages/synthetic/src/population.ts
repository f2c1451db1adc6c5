/**
 * Households and the people in them, with the insurance each one has in each
 * month. Family members share the household's 記号・番号 and differ by 枝番;
 * people who retire move to 国保 and people who turn 75 move to 後期高齢者医療,
 * so some have two insurers within the period.
 */
import { ageInMonthOn, formatDay, type Month } from './calendar.js';
import type { City } from './facilities.js';
import { givenNames, surnames, type Name } from './names.js';
import { Random } from './random.js';

export type InsurerKind = 'kyokai' | 'kumiai' | 'kyosai' | 'kokuho' | 'koki';

export interface Coverage {
  kind: InsurerKind;
  /** 保険者番号 as HO writes it: 8 digits, or 国保's 6 right-aligned in 8 ("  370015"). */
  insurer: string;
  symbol: string;
  number: string;
  /** 枝番, '' where the insurer has none (後期高齢者医療). */
  branch: string;
  /** 被保険者本人 (or 世帯主) rather than 被扶養者. */
  insured: boolean;
}

/** A 公費 the person has this month (子ども医療費助成 for children). */
export interface PublicProgramGrant {
  payer: string;
  recipient: string;
}

interface Membership {
  kind: InsurerKind;
  insurer: string;
  symbol: string;
  number: string;
}

export interface Household {
  index: number;
  city: City;
  surname: Name;
  /** The head's employee insurance, or null for 国保 households. */
  employment: Membership | null;
  /** Month index from which the head is retired and the household is in 国保. */
  retirementMonth: number | null;
  national: Membership;
  /** 現役並み所得: 3割負担 once 70. */
  highIncome: boolean;
}

export interface Person {
  index: number;
  household: Household;
  role: 'head' | 'spouse' | 'child' | 'parent';
  /** Position in the household, for 枝番. */
  memberNo: number;
  sex: 1 | 2;
  birth: { year: number; month: number; day: number };
  /** `YYYYMMDD`. */
  birthDate: string;
  /** 氏名: 姓 and 名 separated by a full-width space. */
  name: string;
  kana: string;
  /** 後期高齢者医療 被保険者番号, used from the month the person turns 75. */
  lateElderNumber: string;
  childRecipient: string;
}

const STREAM_HOUSEHOLD = 1;

const nationalInsurers: Record<City, { insurer: string; symbol: string }> = {
  takamatsu: { insurer: '  370015', symbol: '高松' },
  marugame: { insurer: '  370023', symbol: '丸亀' },
  sakaide: { insurer: '  370031', symbol: '坂出' },
};
// 8-digit 保険者番号 end with the check digit of the 保険者番号設定要領 (as the network checks them); the
// Kagawa ones are those of the demo's participating insurers (packages/admin kagawa-insurers.ts).
const KYOKAI_KAGAWA = '01370014';
const employerFunds = ['06370019', '06370027'];
const mutualAidFunds = [
  { insurer: '32370017', symbol: '香職' },
  { insurer: '34370015', symbol: '香教' },
];
const LATE_ELDER_INSURER = '39370010';
const CHILD_PROGRAM_PAYER = '88370017';

/** Full-width digits, as some 記号・番号 are written. */
function fullWidth(text: string): string {
  return text.replace(/[0-9]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0));
}

function digits(random: Random, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += String(random.int(0, 9));
  return text;
}

type MemberPlan = { role: Person['role']; age: number; sex: 1 | 2 };

function householdMembers(random: Random): MemberPlan[] {
  const type = random.weighted([
    ['elderlySingle', 14],
    ['elderlyCouple', 16],
    ['family', 28],
    ['couple', 14],
    ['single', 18],
    ['threeGenerations', 10],
  ] as const);
  const otherSex = (sex: 1 | 2): 1 | 2 => (sex === 1 ? 2 : 1);
  switch (type) {
    case 'elderlySingle':
      return [{ role: 'head', age: random.int(75, 96), sex: random.chance(0.7) ? 2 : 1 }];
    case 'elderlyCouple': {
      const age = random.int(65, 92);
      return [
        { role: 'head', age, sex: 1 },
        { role: 'spouse', age: Math.max(60, age - random.int(0, 5)), sex: 2 },
      ];
    }
    case 'couple': {
      const age = random.int(35, 64);
      return [
        { role: 'head', age, sex: 1 },
        { role: 'spouse', age: Math.max(22, age + random.int(-6, 3)), sex: 2 },
      ];
    }
    case 'single': {
      return [{ role: 'head', age: random.int(20, 64), sex: random.chance(0.5) ? 1 : 2 }];
    }
    case 'family':
    case 'threeGenerations': {
      const age = random.int(30, 55);
      const sex: 1 | 2 = random.chance(0.9) ? 1 : 2;
      const members: MemberPlan[] = [
        { role: 'head', age, sex },
        { role: 'spouse', age: Math.max(22, age + random.int(-5, 3)), sex: otherSex(sex) },
      ];
      const children = random.weighted([[0, 10], [1, 35], [2, 40], [3, 15]] as const);
      for (let i = 0; i < children; i++) {
        members.push({ role: 'child', age: random.int(0, Math.min(22, age - 24)), sex: random.chance(0.5) ? 1 : 2 });
      }
      if (type === 'threeGenerations') members.push({ role: 'parent', age: random.int(72, 94), sex: random.chance(0.65) ? 2 : 1 });
      return members;
    }
  }
}

function employmentFor(random: Random, headAge: number): Membership | null {
  const employedShare = headAge < 60 ? 0.8 : headAge < 65 ? 0.5 : headAge < 75 ? 0.15 : 0;
  if (!random.chance(employedShare)) return null;
  const wide = random.chance(0.3);
  const kind = random.weighted([['kyokai', 60], ['kumiai', 25], ['kyosai', 15]] as const);
  if (kind === 'kyokai') {
    const symbol = '3711' + digits(random, 4);
    const number = String(random.int(1, 2999));
    return { kind, insurer: KYOKAI_KAGAWA, symbol: wide ? fullWidth(symbol) : symbol, number: wide ? fullWidth(number) : number };
  }
  if (kind === 'kumiai') {
    return { kind, insurer: random.pick(employerFunds), symbol: String(random.int(1, 99)), number: String(random.int(1000, 99999)) };
  }
  const fund = random.pick(mutualAidFunds);
  return { kind, insurer: fund.insurer, symbol: fund.symbol + fullWidth(digits(random, 2)), number: fullWidth(digits(random, 5)) };
}

/**
 * The people of the population, household by household, exactly `count` of
 * them; the last household is cut short if needed. Deterministic in `seed`.
 */
export function* people(seed: number, count: number, months: readonly Month[]): Generator<Person> {
  const firstMonth = months[0];
  const lastMonth = months[months.length - 1];
  if (!firstMonth || !lastMonth) return;
  const reference = lastMonth.firstDay + lastMonth.length - 1;
  const start = firstMonth.firstDay;
  let index = 0;
  for (let householdIndex = 0; index < count; householdIndex++) {
    const random = new Random(seed, STREAM_HOUSEHOLD, householdIndex);
    const members = householdMembers(random);
    const city = random.weighted([['takamatsu', 55], ['marugame', 25], ['sakaide', 20]] as const);
    const head = members[0];
    if (!head) continue;
    const headAgeAtStart = head.age - Math.round((reference - start) / 365);
    const employment = employmentFor(random, headAgeAtStart);
    const retiring = employment !== null && headAgeAtStart >= 59 && headAgeAtStart <= 66 && random.chance(0.4);
    const national = nationalInsurers[city];
    const wide = random.chance(0.5);
    const household: Household = {
      index: householdIndex,
      city,
      surname: random.pick(surnames),
      employment,
      retirementMonth: retiring ? random.int(1, Math.max(1, months.length - 1)) : null,
      national: {
        kind: 'kokuho',
        insurer: national.insurer,
        symbol: national.symbol + fullWidth(digits(random, 2)),
        number: wide ? fullWidth(String(random.int(10000, 999999))) : String(random.int(10000, 999999)),
      },
      highIncome: random.chance(0.12),
    };
    for (let memberNo = 0; memberNo < members.length && index < count; memberNo++) {
      const member = members[memberNo];
      if (!member) continue;
      const birthDay = reference - member.age * 365 - random.int(0, 364) - Math.floor(member.age / 4);
      const birthDate = formatDay(birthDay);
      const birth = { year: Number(birthDate.slice(0, 4)), month: Number(birthDate.slice(4, 6)), day: Number(birthDate.slice(6)) };
      const given = random.pick(givenNames(birth.year, member.sex));
      yield {
        index,
        household,
        role: member.role,
        memberNo,
        sex: member.sex,
        birth,
        birthDate,
        name: `${household.surname[0]}　${given[0]}`,
        kana: household.surname[1] + given[1],
        lateElderNumber: digits(random, 8),
        childRecipient: digits(random, 7),
      };
      index++;
    }
  }
}

/** Age on the last day of `month`: a 75th birthday in the month moves the whole month to 後期高齢. */
function ageInMonth(person: Person, month: Month): number {
  return ageInMonthOn(person.birth, month, month.length);
}

export function coverageIn(person: Person, month: Month): Coverage {
  const household = person.household;
  if (ageInMonth(person, month) >= 75) {
    return { kind: 'koki', insurer: LATE_ELDER_INSURER, symbol: '', number: person.lateElderNumber, branch: '', insured: true };
  }
  const employed =
    household.employment !== null &&
    person.role !== 'parent' &&
    (household.retirementMonth === null || month.index < household.retirementMonth);
  const membership = employed && household.employment ? household.employment : household.national;
  const branchNo = membership.kind === 'kokuho' ? person.memberNo + 1 : person.memberNo;
  return {
    kind: membership.kind,
    insurer: membership.insurer,
    symbol: membership.symbol,
    number: membership.number,
    branch: branchNo < 10 ? `0${branchNo}` : String(branchNo),
    insured: person.role === 'head',
  };
}

/** 子ども医療費助成 up to the age of 12. */
export function publicProgramIn(person: Person, month: Month): PublicProgramGrant | null {
  return ageInMonth(person, month) < 12 ? { payer: CHILD_PROGRAM_PAYER, recipient: person.childRecipient } : null;
}

/**
 * The parts of レセプト種別 and 給付割合 that depend on the person:
 * digit 2 (1 医保, 3 後期) and the 本人/未就学者/家族/高齢 pair of digit 4.
 */
export interface Beneficiary {
  lateElder: boolean;
  /** Digit 4 for 入院 / 入院外. */
  inpatientDigit: string;
  outpatientDigit: string;
  /** RE 給付割合, written for 国保 and 後期 only. */
  benefitRate: string;
}

export function beneficiaryIn(person: Person, month: Month, coverage: Coverage): Beneficiary {
  const age = ageInMonth(person, month);
  const high = person.household.highIncome;
  const digitsFor = (): [string, string] => {
    if (age >= 70) return high ? ['9', '0'] : ['7', '8'];
    if (age < 6) return ['3', '4'];
    return coverage.insured ? ['1', '2'] : ['5', '6'];
  };
  const [inpatientDigit, outpatientDigit] = digitsFor();
  let benefitRate = '';
  if (coverage.kind === 'koki') benefitRate = high ? '70' : person.index % 5 === 0 ? '80' : '90';
  else if (coverage.kind === 'kokuho') benefitRate = age < 6 || (age >= 70 && !high) ? '80' : '70';
  return { lateElder: coverage.kind === 'koki', inpatientDigit, outpatientDigit, benefitRate };
}

/** The 4-digit レセプト種別: `table` 1 医科 or 4 調剤, plus the number of 公費. */
export function receiptType(table: '1' | '4', beneficiary: Beneficiary, publicPrograms: number, inpatient: boolean): string {
  return table + (beneficiary.lateElder ? '3' : '1') + String(1 + publicPrograms) + (inpatient ? beneficiary.inpatientDigit : beneficiary.outpatientDigit);
}

/** A patient number a facility would give, unique per facility up to 900,000 people. */
export function chartNumber(person: Person, facilityCode: string): string {
  const salt = Number(facilityCode.slice(-5));
  return String(((person.index * 7919 + salt) % 900000) + 100000);
}
