/**
 * All the receipts one person gives rise to in one month, whatever the file:
 * 医科 from each facility visited, 調剤 from the pharmacies that filled the
 * prescriptions, DPC from a hospital stay. Each can also make its corrected
 * (再請求) version.
 */
import type { Month } from './calendar.js';
import { facilityMonths, type CarePlan } from './care-plan.js';
import { claimContext } from './claim-context.js';
import { correctedDpcClaim, dpcClaims, dpcReceipt } from './dpc-receipt.js';
import type { Facility } from './facilities.js';
import { correctedMedicalClaim, medicalClaim, medicalReceipt } from './medical-receipt.js';
import { correctedPharmacyClaim, pharmacyClaims, pharmacyReceipt } from './pharmacy-receipt.js';
import type { ReceiptLines } from './uke-writer.js';
import type { VocabularyEntry } from './vocabulary.js';

/** The names real files have: 医科, DPC and 調剤. */
export type ClaimFileName = 'RECEIPTC.UKE' | 'RECEIPTD.UKE' | 'RECEIPTY.UKE';

export interface MonthClaim {
  facility: Facility;
  file: ClaimFileName;
  receipt(): ReceiptLines;
  /** The re-issued version with changed content, or null when the claim has nothing to change. */
  correction(): ReceiptLines | null;
}

function claimOf<T>(facility: Facility, file: ClaimFileName, claim: T, render: (claim: T) => ReceiptLines, correct: (claim: T) => T | null): MonthClaim {
  return {
    facility,
    file,
    receipt: () => render(claim),
    correction: () => {
      const corrected = correct(claim);
      return corrected ? render(corrected) : null;
    },
  };
}

export function monthClaims(plan: CarePlan, month: Month, seed: number, nameOf: (entry: VocabularyEntry) => string): MonthClaim[] {
  const context = claimContext(plan.person, month, nameOf);
  const outpatient = facilityMonths(plan, month, seed);
  const claims: MonthClaim[] = [];
  for (const facilityMonth of outpatient) {
    claims.push(claimOf(facilityMonth.facility, 'RECEIPTC.UKE', medicalClaim(context, facilityMonth), medicalReceipt, correctedMedicalClaim));
  }
  for (const claim of pharmacyClaims(context, outpatient, seed)) {
    claims.push(claimOf(claim.pharmacy, 'RECEIPTY.UKE', claim, pharmacyReceipt, correctedPharmacyClaim));
  }
  for (const claim of dpcClaims(context, plan, seed)) {
    claims.push(claimOf(claim.stay.hospital, 'RECEIPTD.UKE', claim, dpcReceipt, correctedDpcClaim));
  }
  return claims;
}
