/**
 * My Number cards: the server's challenge, the desk binding a card to the
 * person in front of it, and the check every signature goes through. The card
 * helper on the terminal PC does the signing; what it returns is trusted only
 * after the signature, the chain to the JPKI CAs, the validity period and the
 * CRL all check out, and only for a challenge this session asked for.
 */
import { bindMyNumberCard, consumeChallenge, createChallenge, mayAskChallenge, myNumberCardReference, unbindMyNumberCards, verifyCardSignature, type ChallengePurpose, type Session, type VerifiedCardCertificate } from '@renkei/access';
import { deskBindMyNumber, deskUnbindMyNumber, myNumberChallengeRequest, type MyNumberChallenge, type MyNumberSignature } from '@renkei/api';
import { personPseudonym } from '@renkei/identity';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, roleForbidden } from '../errors.js';
import { sessionOf } from '../gate.js';
import type { ResolvedOptions } from '../options.js';
import { auditRequest, changeIdentity } from '../request-audit.js';
import { requireIdentityChecked } from './desk.js';
import { parseBody } from '../validation.js';

const REFUSALS: Record<string, string> = {
  'challenge-expired': '認証の有効期限が切れました。もう一度カードを読み取ってください',
  malformed: 'カードの証明書を読み取れませんでした。もう一度カードを読み取ってください',
  'bad-signature': 'カードの署名を確認できませんでした。もう一度カードを読み取ってください',
  'untrusted-chain': 'このカードの電子証明書は公的個人認証サービスのものと確認できません',
  expired: 'カードの利用者証明用電子証明書の有効期限が切れています。市区町村の窓口で更新してください',
  revoked: 'カードの利用者証明用電子証明書は失効しています',
  'revocation-unknown': '電子証明書の失効情報を確認できないため、現在マイナンバーカードは利用できません。連携の事務局に連絡してください',
};

export async function myNumberRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  /** A challenge for the card to sign: a clinician opening a patient; the desk binding a card or identifying its holder. */
  app.post('/api/my-number/challenge', { config: { access: 'session', action: 'my-number.challenge' } }, async (request): Promise<MyNumberChallenge> => {
    const session = sessionOf(request);
    const { purpose } = parseBody(myNumberChallengeRequest, request.body);
    if (!mayAskChallenge(purpose, session.user.role)) throw roleForbidden();
    if (!(await options.jpki.current())) throw unavailable();
    const { challenge, expiresAt } = await createChallenge(options.stores.identity, session, purpose);
    return { challenge, expiresAt: expiresAt.toISOString(), helperUrl: options.cardHelperUrl };
  });

  /** At the desk, the patient's identity checked: their card's certificate is bound to the person found, so the card opens their history. */
  app.post('/api/desk/my-number/bind', { config: { access: 'desk', action: 'my-number.bind' } }, async (request) => {
    const session = sessionOf(request);
    const { personId, myNumber } = parseBody(deskBindMyNumber, request.body);
    await requireIdentityChecked(request, options, session, personId, 'my-number.bind');
    const certificate = await verifyMyNumberSignature(request, options, session, 'bind', myNumber, 'my-number.bind');
    const pseudonym = personPseudonym(options.keys.pseudonym, personId);
    const reference = myNumberCardReference(options.keys, certificate.fingerprint);
    const result = await changeIdentity(
      request,
      options,
      (tx) => bindMyNumberCard(tx, personId, certificate, session.user.id),
      (r) => ({ action: 'my-number.bind', pseudonym, outcome: r.status === 'bound' ? 'allowed' : 'refused', detail: { myNumberCard: reference, ...(r.status === 'refused' ? { reason: r.reason } : {}) } }),
    );
    if (result.status === 'refused') {
      request.refusalAudited = true;
      throw result.reason === 'unknown-person'
        ? new ApiError(404, 'person-not-found', '該当する患者が見つかりません')
        : new ApiError(409, 'my-number-bound-to-another', 'このマイナンバーカードは別の患者に登録されています。登録を解除してからやり直してください');
    }
    return { personId, boundAt: result.boundAt.toISOString(), notAfter: result.notAfter.toISOString() };
  });

  /** Ends the person's binding (a renewed or lost card, or a mistake); what it opened closes at once. */
  app.post('/api/desk/my-number/unbind', { config: { access: 'desk', action: 'my-number.unbind' } }, async (request) => {
    const session = sessionOf(request);
    const { personId } = parseBody(deskUnbindMyNumber, request.body);
    await requireIdentityChecked(request, options, session, personId, 'my-number.unbind');
    const pseudonym = personPseudonym(options.keys.pseudonym, personId);
    const ended = await changeIdentity(request, options, async (tx) => {
      const n = await unbindMyNumberCards(tx, personId, session.user.id);
      if (n === 0) throw new ApiError(404, 'my-number-not-bound', 'この患者に登録されたマイナンバーカードはありません');
      return n;
    }, (n) => ({ action: 'my-number.unbind', pseudonym, outcome: 'allowed', detail: { bindings: n } }));
    return { personId, unbound: ended };
  });
}

/**
 * The certificate behind a signature, once everything checks: the challenge is
 * this session's, unused, for this purpose; the signature is over it; the
 * certificate chains to a JPKI CA, is in its validity period and is on no CRL
 * (and a current CRL is at hand). Otherwise the refusal is audited and thrown.
 */
export async function verifyMyNumberSignature(
  request: FastifyRequest,
  options: ResolvedOptions,
  session: Session,
  purpose: ChallengePurpose,
  signed: MyNumberSignature,
  action = 'card.present',
): Promise<VerifiedCardCertificate> {
  const refuse = async (reason: string) => {
    await auditRequest(request, options, { action, outcome: 'refused', detail: { reason: `my number card: ${reason}` } });
    return reason === 'unavailable' ? unavailable() : new ApiError(403, `my-number-${reason}`, REFUSALS[reason]!);
  };
  const trust = await options.jpki.current();
  if (!trust) throw await refuse('unavailable');
  if (!(await consumeChallenge(options.stores.identity, session, signed.challenge, purpose))) throw await refuse('challenge-expired');
  const checked = await verifyCardSignature(trust, {
    certificate: Buffer.from(signed.certificate, 'base64'),
    signature: Buffer.from(signed.signature, 'base64'),
    challenge: Buffer.from(signed.challenge, 'utf8'),
  });
  if (checked.status === 'refused') throw await refuse(checked.reason);
  return { fingerprint: checked.fingerprint, issuer: checked.issuer, serial: checked.serial, notAfter: checked.notAfter };
}

const unavailable = () => new ApiError(503, 'my-number-unavailable', 'この連携ではマイナンバーカードの利用が設定されていません');
