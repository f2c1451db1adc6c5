/**
 * The My Number card through PKCS#11: OpenSC's JPKI support on a terminal,
 * SoftHSM2 in the tests. Only the user-authentication certificate
 * (利用者証明用電子証明書) and its key are used; the key never leaves the card,
 * and the card asks for its 4-digit PIN for every signature.
 */
import { createHash } from 'node:crypto';
import * as graphene from 'graphene-pk11';

/** The slot, certificate and key the helper looks for; JPKI's names are the defaults. */
export interface CardSelector {
  /** Only tokens with this label (OpenSC names the JPKI user-authentication token after the card). */
  tokenLabel?: string;
  /** The certificate's label; without it, the one whose label names user authentication, else the only one. */
  certificateLabel?: string;
}

export interface CardSignature {
  /** The user-authentication certificate, DER. */
  certificate: Buffer;
  /** RSA PKCS#1 v1.5 over SHA-256 of the data. */
  signature: Buffer;
}

export type CardErrorCode = 'no-card' | 'no-certificate' | 'pin-incorrect' | 'pin-locked' | 'card-error';

/** What went wrong at the card, in terms a clerk can act on; never carries the PIN. */
export class CardError extends Error {
  constructor(readonly code: CardErrorCode) {
    super(CARD_ERRORS[code]);
  }
}

const CARD_ERRORS: Record<CardErrorCode, string> = {
  'no-card': 'マイナンバーカードが読み取れません。カードリーダーにカードを置いてください',
  'no-certificate': 'カードに利用者証明用電子証明書が見つかりません',
  'pin-incorrect': '暗証番号が違います（3回続けて間違えるとロックされます）',
  'pin-locked': '暗証番号がロックされています。市区町村の窓口で解除してください',
  'card-error': 'カードとの通信に失敗しました。カードを置き直してもう一度お試しください',
};

const USER_AUTHENTICATION = /user\s*authentication|利用者証明/i;

/** DigestInfo prefix of SHA-256 (RFC 8017 §9.2): cards that only do raw CKM_RSA_PKCS sign it with the hash appended. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export class Pkcs11Card {
  private readonly module: graphene.Module;

  /** Loads the PKCS#11 library once for the life of the helper. */
  constructor(modulePath: string, private readonly selector: CardSelector = {}) {
    this.module = graphene.Module.load(modulePath);
    this.module.initialize();
  }

  /** Whether a card (token) is in a reader now. */
  present(): boolean {
    return this.tokenSlots().length > 0;
  }

  /** Signs `data` with the card's user-authentication key; the card checks the PIN. */
  sign(pin: string, data: Uint8Array): CardSignature {
    const slots = this.tokenSlots();
    if (slots.length === 0) throw new CardError('no-card');
    for (const slot of slots) {
      const session = openSession(slot);
      try {
        const certificate = this.findCertificate(session);
        if (!certificate) continue;
        login(session, pin);
        try {
          const key = findKey(session, certificate.getAttribute('id') as Buffer);
          if (!key) continue;
          const digest = createHash('sha256').update(data).digest();
          const signature = session.createSign('RSA_PKCS', key).once(Buffer.concat([SHA256_DIGEST_INFO, digest]));
          return { certificate: certificate.getAttribute('value') as Buffer, signature };
        } finally {
          logout(session);
        }
      } finally {
        session.close();
      }
    }
    throw new CardError('no-certificate');
  }

  close(): void {
    this.module.finalize();
  }

  private tokenSlots(): graphene.Slot[] {
    const slots = this.module.getSlots(true);
    const found: graphene.Slot[] = [];
    for (let i = 0; i < slots.length; i++) {
      const slot = slots.items(i);
      if (!(slot.flags & graphene.SlotFlag.TOKEN_PRESENT)) continue;
      if (this.selector.tokenLabel && slot.getToken().label.trim() !== this.selector.tokenLabel) continue;
      found.push(slot);
    }
    return found;
  }

  private findCertificate(session: graphene.Session): graphene.SessionObject | undefined {
    const certificates = session.find({ class: graphene.ObjectClass.CERTIFICATE });
    const all: graphene.SessionObject[] = [];
    for (let i = 0; i < certificates.length; i++) all.push(certificates.items(i));
    const label = (o: graphene.SessionObject) => String(o.getAttribute('label') ?? '');
    if (this.selector.certificateLabel) return all.find((o) => label(o) === this.selector.certificateLabel);
    return all.find((o) => USER_AUTHENTICATION.test(label(o))) ?? (all.length === 1 ? all[0] : undefined);
  }
}

function openSession(slot: graphene.Slot): graphene.Session {
  try {
    return slot.open(graphene.SessionFlag.SERIAL_SESSION);
  } catch {
    throw new CardError('card-error');
  }
}

function login(session: graphene.Session, pin: string): void {
  try {
    session.login(pin, graphene.UserType.USER);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (message.includes('CKR_USER_ALREADY_LOGGED_IN')) return;
    if (message.includes('CKR_PIN_LOCKED')) throw new CardError('pin-locked');
    if (message.includes('CKR_PIN_INCORRECT') || message.includes('CKR_PIN_LEN_RANGE') || message.includes('CKR_PIN_INVALID')) throw new CardError('pin-incorrect');
    throw new CardError('card-error');
  }
}

function logout(session: graphene.Session): void {
  try {
    session.logout();
  } catch {
    // Closing the session ends the login as well.
  }
}

/** The private key that pairs with the certificate: same CKA_ID. */
function findKey(session: graphene.Session, id: Buffer): graphene.Key | undefined {
  const keys = session.find({ class: graphene.ObjectClass.PRIVATE_KEY, id });
  return keys.length > 0 ? keys.items(0).toType<graphene.Key>() : undefined;
}
