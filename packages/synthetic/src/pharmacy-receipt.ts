/**
 * 調剤 receipts (RECEIPTY.UKE): the prescriptions a clinic wrote (院外処方) are
 * dispensed by a pharmacy, mostly the one in front of it, on the day or the
 * next. One receipt per pharmacy, patient, month and prescribing facility.
 * Each 剤 is an SH, one CZ per dispensing, and an IY per drug.
 */
import type { FacilityMonth } from './care-plan.js';
import { attendanceRecords, eligibilityRecord, patientFields, type ClaimContext } from './claim-context.js';
import { pharmacies, PREFECTURE, type Facility } from './facilities.js';
import { czRecord, formatAmount, pharmacyHoRecord, pharmacyIyRecord, pharmacyKoRecord, pharmacyReRecord, shRecord } from './layout.js';
import { preparationUnitPoints, type Preparation } from './orders.js';
import { chartNumber } from './population.js';
import { hash32 } from './random.js';
import type { ReceiptLines } from './uke-writer.js';

export interface Dispensing {
  /** 処方箋交付年月日 and 調剤年月日, day numbers. */
  issued: number;
  dispensed: number;
  preparations: Preparation[];
}

export interface PharmacyClaim {
  context: ClaimContext;
  pharmacy: Facility;
  prescriber: Facility;
  dispensings: Dispensing[];
}

const STREAM_PHARMACY = 4;
const FORM_CODE = { internal: '1', asNeeded: '3', external: '5' } as const;

/** The pharmacy a person takes prescriptions to when not the one in front of the clinic. */
function homePharmacy(context: ClaimContext, seed: number): Facility {
  const local = pharmacies.filter((pharmacy) => pharmacy.city === context.person.household.city);
  return local[hash32(seed, STREAM_PHARMACY, context.person.index) % local.length] ?? pharmacies[0]!;
}

/** The 調剤 claims that a month of outpatient prescriptions gives. */
export function pharmacyClaims(context: ClaimContext, months: readonly FacilityMonth[], seed: number): PharmacyClaim[] {
  const claims: PharmacyClaim[] = [];
  const monthEnd = context.month.firstDay + context.month.length - 1;
  for (const { facility, encounters } of months) {
    if (facility.dispensesInHouse) continue;
    for (const encounter of encounters) {
      const preparations = encounter.orders.flatMap((order) => (order.kind === 'prescription' ? order.preparations : []));
      if (preparations.length === 0) continue;
      const noise = hash32(seed, STREAM_PHARMACY, context.person.index, encounter.day);
      const pharmacy = noise % 100 < 85 && facility.nearbyPharmacy ? facility.nearbyPharmacy : homePharmacy(context, seed);
      const dispensed = (noise >>> 8) % 20 === 0 && encounter.day < monthEnd ? encounter.day + 1 : encounter.day;
      let claim = claims.find((candidate) => candidate.pharmacy === pharmacy && candidate.prescriber === facility);
      if (!claim) {
        claim = { context, pharmacy, prescriber: facility, dispensings: [] };
        claims.push(claim);
      }
      claim.dispensings.push({ issued: encounter.day, dispensed, preparations });
    }
  }
  return claims;
}

function signature(preparation: Preparation): string {
  const drugs = preparation.drugs.map(({ drug, amount }) => drug.code + ':' + amount).join(',');
  return `${preparation.form}|${preparation.usage.code}|${preparation.usage.text}|${preparation.quantity}|${drugs}`;
}

interface PreparationGroup {
  preparation: Preparation;
  unitPoints: number;
  dispensings: { dispensing: Dispensing; reception: number }[];
}

/** 剤 dispensed the same way more than once in the month share one SH with a CZ each. */
function groupPreparations(claim: PharmacyClaim): PreparationGroup[] {
  const groups = new Map<string, PreparationGroup>();
  claim.dispensings.forEach((dispensing, index) => {
    for (const preparation of dispensing.preparations) {
      const key = signature(preparation);
      let group = groups.get(key);
      if (!group) {
        group = { preparation, unitPoints: preparationUnitPoints(preparation), dispensings: [] };
        groups.set(key, group);
      }
      group.dispensings.push({ dispensing, reception: index + 1 });
    }
  });
  return [...groups.values()];
}

export function pharmacyReceipt(claim: PharmacyClaim): ReceiptLines {
  const groups = groupPreparations(claim);
  let points = 0;
  for (const group of groups) points += group.unitPoints * group.preparation.quantity * group.dispensings.length;
  return {
    points,
    render(receiptNumber) {
      const { context, pharmacy, prescriber, dispensings } = claim;
      const { coverage, program, burden, month } = context;
      const dateOf = (day: number) => month.dates[day - month.firstDay + 1] ?? '';
      const lines = [
        pharmacyReRecord(patientFields(context, '4', false, receiptNumber, chartNumber(context.person, pharmacy.code)), {
          prefecture: PREFECTURE,
          table: prescriber.table,
          institutionCode: prescriber.institutionCode,
          name: prescriber.name,
          doctor: prescriber.doctor,
        }),
        pharmacyHoRecord({ insurer: coverage.insurer, symbol: coverage.symbol, number: coverage.number, days: dispensings.length, points }),
      ];
      if (program) lines.push(pharmacyKoRecord({ payer: program.payer, recipient: program.recipient, days: dispensings.length, points }));
      lines.push(eligibilityRecord(context));
      lines.push(...attendanceRecords(context, [...new Set(dispensings.map((dispensing) => dispensing.dispensed - month.firstDay + 1))]));
      groups.forEach((group, index) => {
        const { preparation, unitPoints } = group;
        lines.push(
          shRecord({ no: index + 1, form: FORM_CODE[preparation.form], usageCode: preparation.usage.code, instruction: preparation.usage.instruction, unitPoints }),
        );
        for (const { dispensing, reception } of group.dispensings) {
          lines.push(
            czRecord({
              issued: dateOf(dispensing.issued),
              dispensed: dateOf(dispensing.dispensed),
              reception,
              quantity: preparation.quantity,
              drugPoints: unitPoints * preparation.quantity,
            }),
          );
        }
        for (const { drug, amount, singleDose } of preparation.drugs) {
          lines.push(pharmacyIyRecord(burden, drug.code, formatAmount(amount), preparation.form === 'internal' ? formatAmount(singleDose) : ''));
        }
      });
      return lines;
    },
  };
}

/**
 * A 返戻/再請求 version: a 剤 is dropped from a dispensing that had several,
 * or a 内服 is shortened by a week. Null when neither applies.
 */
export function correctedPharmacyClaim(claim: PharmacyClaim): PharmacyClaim | null {
  const index = claim.dispensings.findIndex((dispensing) => dispensing.preparations.length > 1);
  if (index >= 0) {
    return {
      ...claim,
      dispensings: claim.dispensings.map((dispensing, i) => (i === index ? { ...dispensing, preparations: dispensing.preparations.slice(0, -1) } : dispensing)),
    };
  }
  const first = claim.dispensings[0];
  const shortened = first?.preparations.find((preparation) => preparation.form === 'internal' && preparation.quantity > 7);
  if (!first || !shortened) return null;
  return {
    ...claim,
    dispensings: [
      { ...first, preparations: first.preparations.map((preparation) => (preparation === shortened ? { ...preparation, quantity: preparation.quantity - 7 } : preparation)) },
      ...claim.dispensings.slice(1),
    ],
  };
}
