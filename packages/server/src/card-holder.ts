/**
 * Whose card is presented: a Renkei card's QR text, or a My Number card's
 * signature over a challenge of this session. One place for both keys, for the
 * clinician opening a patient and for the desk identifying one; a made-up,
 * inactive or unbound card is refused and the refusal audited.
 */
import { cardReference, checkCard, findBoundPerson, myNumberCardReference, type ChallengePurpose, type PatientKey, type Session } from '@renkei/access';
import type { MyNumberSignature } from '@renkei/api';
import type { FastifyRequest } from 'fastify';
import { ApiError, cardNotAccepted } from './errors.js';
import { auditRequest } from './request-audit.js';
import type { ResolvedOptions } from './options.js';
import { verifyMyNumberSignature } from './routes/my-number.js';

export interface CardHolder {
  personId: string;
  key: PatientKey;
  /** What the audit trail says about the key: keyed hashes of the card number or of the My Number certificate's fingerprint (never the My Number itself). */
  detail: Record<string, string>;
}

/** The words for a refused card, for whoever is in front of the screen. */
export interface CardRefusals {
  inactive: (status: 'replaced' | 'suspended' | 'revoked') => string;
  unbound: string;
}

export async function cardHolder(
  request: FastifyRequest,
  options: ResolvedOptions,
  session: Session,
  key: { card?: string | undefined; myNumber?: MyNumberSignature | undefined },
  use: { action: string; purpose: ChallengePurpose; refusals: CardRefusals },
): Promise<CardHolder> {
  const refuse = (detail: Record<string, string>) => auditRequest(request, options, { action: use.action, outcome: 'refused', detail });
  if (key.myNumber) {
    const certificate = await verifyMyNumberSignature(request, options, session, use.purpose, key.myNumber, use.action);
    const personId = await findBoundPerson(options.stores.identity, certificate.fingerprint);
    if (!personId) {
      await refuse({ reason: 'my number card not bound', myNumberCard: myNumberCardReference(options.keys, certificate.fingerprint) });
      throw new ApiError(403, 'my-number-unbound', use.refusals.unbound);
    }
    return { personId, key: { myNumberFingerprint: certificate.fingerprint }, detail: { myNumberCard: myNumberCardReference(options.keys, certificate.fingerprint) } };
  }
  const checked = await checkCard(options.stores.identity, options.keys, key.card!);
  if (checked.status === 'unknown') {
    await refuse({ reason: 'unknown card' });
    throw cardNotAccepted();
  }
  if (checked.status === 'inactive') {
    await refuse({ reason: `card ${checked.cardStatus}`, card: cardReference(options.keys, checked.cardNumber) });
    throw new ApiError(403, `card-${checked.cardStatus}`, use.refusals.inactive(checked.cardStatus));
  }
  return { personId: checked.personId, key: { cardNumber: checked.cardNumber }, detail: { card: cardReference(options.keys, checked.cardNumber) } };
}
