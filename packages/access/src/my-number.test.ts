import 'reflect-metadata';
import { createPrivateKey, randomBytes, sign, webcrypto } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { jpkiTrustFromDirectory } from './jpki-files.js';
import { jpkiTrust, verifyCardSignature, type JpkiTrust } from './my-number.js';
import { createNetworkCa, issueTerminalCertificate, type IssuedCertificate, type NetworkCa } from './network-ca.js';

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
const DAY = 86_400_000;

/** A CRL of `ca` listing `revoked`, valid until `nextUpdate`. */
async function crlOf(ca: NetworkCa, revoked: string[], nextUpdate = new Date(Date.now() + DAY)): Promise<string> {
  const der = Buffer.from(ca.keyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const key = await webcrypto.subtle.importKey('pkcs8', der, RSA, false, ['sign']);
  const crl = await x509.X509CrlGenerator.create({
    issuer: new x509.X509Certificate(ca.certPem).subject,
    thisUpdate: new Date(Date.now() - DAY),
    nextUpdate,
    entries: revoked.map((serialNumber) => ({ serialNumber, revocationDate: new Date(Date.now() - 60_000) })),
    signingKey: key as CryptoKey,
    signingAlgorithm: RSA,
  });
  return crl.toString('pem');
}

describe('My Number card signatures', () => {
  let jpki: NetworkCa;
  let card: IssuedCertificate;
  let revokedCard: IssuedCertificate;
  let trust: JpkiTrust;
  const challenge = randomBytes(32);
  const present = (c: IssuedCertificate, data: Uint8Array = challenge) => ({
    certificate: new Uint8Array(new x509.X509Certificate(c.certPem).rawData),
    signature: sign('sha256', data, createPrivateKey(c.keyPem)),
    challenge,
  });

  beforeAll(async () => {
    jpki = await createNetworkCa({ name: 'Test JPKI User Authentication CA' });
    card = await issueTerminalCertificate(jpki, { facilityCode: '0000000000', name: 'card holder' });
    revokedCard = await issueTerminalCertificate(jpki, { facilityCode: '0000000000', name: 'lost card' });
    trust = jpkiTrust([jpki.certPem], [await crlOf(jpki, [revokedCard.serial])]);
  });

  it('accepts a signature over the challenge by a card the JPKI CA issued and has not revoked', async () => {
    const result = await verifyCardSignature(trust, present(card));
    expect(result).toMatchObject({ status: 'valid', fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('refuses a signature over anything else, a revoked card, a foreign chain, an expired certificate and garbage', async () => {
    expect(await verifyCardSignature(trust, present(card, randomBytes(32)))).toEqual({ status: 'refused', reason: 'bad-signature' });
    expect(await verifyCardSignature(trust, present(revokedCard))).toEqual({ status: 'refused', reason: 'revoked' });
    const foreign = await createNetworkCa({ name: 'Test JPKI User Authentication CA' });
    const forged = await issueTerminalCertificate(foreign, { facilityCode: '0000000000', name: 'forged' });
    expect(await verifyCardSignature(trust, present(forged))).toEqual({ status: 'refused', reason: 'untrusted-chain' });
    expect(await verifyCardSignature(trust, present(card), new Date(Date.now() + 3 * 365 * DAY))).toEqual({ status: 'refused', reason: 'expired' });
    expect(await verifyCardSignature(trust, { ...present(card), certificate: randomBytes(200) })).toEqual({ status: 'refused', reason: 'malformed' });
  });

  it('fails closed when revocation cannot be known: no CRL, a stale one, or one not signed by the issuer', async () => {
    expect(await verifyCardSignature(jpkiTrust([jpki.certPem], []), present(card))).toEqual({ status: 'refused', reason: 'revocation-unknown' });
    const stale = await crlOf(jpki, [], new Date(Date.now() - 60_000));
    expect(await verifyCardSignature(jpkiTrust([jpki.certPem], [stale]), present(card))).toEqual({ status: 'refused', reason: 'revocation-unknown' });
    const other = await createNetworkCa({ name: 'Test JPKI User Authentication CA' });
    expect(await verifyCardSignature(jpkiTrust([jpki.certPem], [await crlOf(other, [])]), present(card))).toEqual({ status: 'refused', reason: 'revocation-unknown' });
  });
});

describe('JPKI trust from the data directory', () => {
  it('reads CA certificates and CRLs as PEM or DER, sees a new CRL once it reloads, and is absent without CA certificates', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'renkei-jpki-dir-'));
    try {
      expect(await jpkiTrustFromDirectory(dir).current()).toBeUndefined();
      const jpki = await createNetworkCa({ name: 'Test JPKI User Authentication CA' });
      const card = await issueTerminalCertificate(jpki, { facilityCode: '0000000000', name: 'card holder' });
      await mkdir(path.join(dir, 'authorities'));
      await mkdir(path.join(dir, 'crls'));
      // The CA as DER (.cer, as J-LIS publishes it), the CRL as PEM; a stray file is ignored.
      await writeFile(path.join(dir, 'authorities', 'jpki-user-ca.cer'), Buffer.from(new x509.X509Certificate(jpki.certPem).rawData));
      await writeFile(path.join(dir, 'authorities', 'README.txt'), 'not a certificate');
      await writeFile(path.join(dir, 'crls', 'current.pem'), await crlOf(jpki, []));
      const challenge = randomBytes(32);
      const presented = { certificate: new Uint8Array(new x509.X509Certificate(card.certPem).rawData), signature: sign('sha256', challenge, createPrivateKey(card.keyPem)), challenge };

      const source = jpkiTrustFromDirectory(dir, { reloadMs: 0 });
      expect(await verifyCardSignature((await source.current())!, presented)).toMatchObject({ status: 'valid' });
      // The daily CRL download replaces the file: the card's revocation takes effect without a restart.
      await writeFile(path.join(dir, 'crls', 'current.pem'), await crlOf(jpki, [card.serial]));
      expect(await verifyCardSignature((await source.current())!, presented)).toEqual({ status: 'refused', reason: 'revoked' });
      // A CRL cut short by its download is left out: the issuer has no current CRL, so its cards are refused; nothing fails.
      const whole = await crlOf(jpki, []);
      await writeFile(path.join(dir, 'crls', 'current.pem'), whole.slice(0, whole.length / 2));
      expect(await verifyCardSignature((await source.current())!, presented)).toEqual({ status: 'refused', reason: 'revocation-unknown' });
      // A folder that cannot be read keeps the trust last read.
      await rm(path.join(dir, 'authorities'), { recursive: true });
      await writeFile(path.join(dir, 'authorities'), 'not a folder');
      expect((await source.current())?.authorities).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
