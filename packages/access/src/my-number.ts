/**
 * The My Number card as the patient's key: its user-authentication certificate
 * (利用者証明用電子証明書) signs a challenge from the server. Here the server
 * checks the signature, the chain to the configured JPKI CA certificates, the
 * validity period and revocation (CRLs, fail closed: no current CRL for the
 * issuer, no access). Which person a certificate stands for is the binding
 * recorded at enrollment, not anything in the certificate.
 */
import 'reflect-metadata';
import { createHash, createPublicKey, verify, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface JpkiTrust {
  /** Root and intermediate CA certificates of the JPKI user-authentication hierarchy. */
  authorities: x509.X509Certificate[];
  /** Current CRLs of those authorities. */
  crls: x509.X509Crl[];
}

/** Certificates and CRLs as PEM text or DER bytes. */
export function jpkiTrust(authorities: ReadonlyArray<string | Uint8Array>, crls: ReadonlyArray<string | Uint8Array>): JpkiTrust {
  const bytes = (value: string | Uint8Array) => (typeof value === 'string' ? value : new Uint8Array(value));
  return { authorities: authorities.map((a) => new x509.X509Certificate(bytes(a))), crls: crls.map((c) => new x509.X509Crl(bytes(c))) };
}

export type CardCertificateCheck =
  | { status: 'valid'; fingerprint: string; serial: string; issuer: string; notAfter: Date }
  | { status: 'refused'; reason: 'malformed' | 'untrusted-chain' | 'expired' | 'revoked' | 'revocation-unknown' | 'bad-signature' };

/** Checks that `signature` over `challenge` was made by the card whose certificate is `certificate` (DER), and that the certificate may be trusted now. */
export async function verifyCardSignature(
  trust: JpkiTrust,
  presented: { certificate: Uint8Array; signature: Uint8Array; challenge: Uint8Array },
  now = new Date(),
): Promise<CardCertificateCheck> {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(new Uint8Array(presented.certificate));
  } catch {
    return { status: 'refused', reason: 'malformed' };
  }
  if (now < cert.notBefore || now > cert.notAfter) return { status: 'refused', reason: 'expired' };
  if (!(await chainsToTrust(trust, cert, now))) return { status: 'refused', reason: 'untrusted-chain' };

  const crl = await currentCrlFor(trust, cert, now);
  if (!crl) return { status: 'refused', reason: 'revocation-unknown' };
  if (crl.findRevoked(cert)) return { status: 'refused', reason: 'revoked' };

  // JPKI cards sign with RSA PKCS#1 v1.5 over SHA-256 (CKM_SHA256_RSA_PKCS).
  const publicKey = createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: 'der', type: 'spki' });
  if (!verify('sha256', presented.challenge, publicKey, presented.signature)) return { status: 'refused', reason: 'bad-signature' };
  return {
    status: 'valid',
    fingerprint: createHash('sha256').update(presented.certificate).digest('hex'),
    serial: cert.serialNumber.toLowerCase(),
    issuer: cert.issuer,
    notAfter: cert.notAfter,
  };
}

/** Every link signed by the next, every authority valid now, ending at a trusted self-signed root. */
async function chainsToTrust(trust: JpkiTrust, cert: x509.X509Certificate, now: Date): Promise<boolean> {
  const chain = await new x509.X509ChainBuilder({ certificates: trust.authorities }).build(cert);
  const root = chain.at(-1)!;
  if (chain.length < 2 || !trust.authorities.some((a) => a.equal(root)) || root.subject !== root.issuer) return false;
  for (let i = 0; i < chain.length; i++) {
    const issuer = chain[i + 1] ?? root;
    if (!(await chain[i]!.verify({ publicKey: issuer.publicKey, signatureOnly: true }))) return false;
    if (i > 0 && (now < chain[i]!.notBefore || now > chain[i]!.notAfter)) return false;
  }
  return true;
}

/** The CRL of the certificate's issuer, signed by it and not past its next update. */
async function currentCrlFor(trust: JpkiTrust, cert: x509.X509Certificate, now: Date): Promise<x509.X509Crl | undefined> {
  const issuer = trust.authorities.find((a) => a.subject === cert.issuer);
  if (!issuer) return undefined;
  for (const crl of trust.crls) {
    if (crl.issuer !== cert.issuer || !crl.nextUpdate || crl.nextUpdate < now) continue;
    if (await crl.verify({ publicKey: issuer.publicKey })) return crl;
  }
  return undefined;
}
