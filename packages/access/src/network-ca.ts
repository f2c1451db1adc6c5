/**
 * The network's own certificate authority: it issues the terminal certificates
 * (the first factor of access) and the server's TLS certificate. Keys are RSA,
 * because PKCS#12 bundles for browsers and Windows PCs are made with node-forge,
 * which packs RSA keys only. (@peculiar/x509 needs the reflect-metadata polyfill.)
 */
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import forge from 'node-forge';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const RSA: RsaHashedKeyGenParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const DAY = 24 * 60 * 60 * 1000;

/** A certificate with its private key, both PEM. */
export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  /** Lower-case hex, as TLS reports it for the peer. */
  serial: string;
  notAfter: Date;
}

export interface NetworkCa {
  certPem: string;
  keyPem: string;
}

/** A new root CA for the network, valid for `years`. */
export async function createNetworkCa(options: { name: string; years?: number }): Promise<NetworkCa> {
  const keys = await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  const notBefore = new Date(Date.now() - DAY);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: new x509.Name([{ CN: [options.name] }, { O: ['Renkei'] }]).toString(),
    notBefore,
    notAfter: new Date(notBefore.getTime() + (options.years ?? 20) * 365 * DAY),
    keys: keys as CryptoKeyPair,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as CryptoKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey as CryptoKey) };
}

/** A terminal certificate: client authentication only, naming the facility and the PC. */
export async function issueTerminalCertificate(ca: NetworkCa, terminal: { facilityCode: string | null; name: string; days?: number }): Promise<IssuedCertificate> {
  return issue(ca, {
    subject: new x509.Name([{ CN: [terminal.name] }, { OU: [terminal.facilityCode ?? 'secretariat'] }, { O: ['Renkei terminal'] }]).toString(),
    days: terminal.days ?? 2 * 365,
    extendedUsage: x509.ExtendedKeyUsage.clientAuth,
    extensions: [],
  });
}

/** The server's TLS certificate for the given host names and addresses. */
export async function issueServerCertificate(ca: NetworkCa, hosts: { dns: string[]; ip: string[] }): Promise<IssuedCertificate> {
  return issue(ca, {
    subject: new x509.Name([{ CN: [hosts.dns[0] ?? hosts.ip[0] ?? 'renkei'] }, { O: ['Renkei'] }]).toString(),
    days: 397,
    extendedUsage: x509.ExtendedKeyUsage.serverAuth,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        ...hosts.dns.map((value) => ({ type: 'dns' as const, value })),
        ...hosts.ip.map((value) => ({ type: 'ip' as const, value })),
      ]),
    ],
  });
}

/** A password-protected PKCS#12 bundle (AES-256) of a certificate, its key and the CA certificate, for import on a PC. */
export function toPkcs12(issued: IssuedCertificate, ca: NetworkCa, password: string, friendlyName: string): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(issued.keyPem),
    [forge.pki.certificateFromPem(issued.certPem), forge.pki.certificateFromPem(ca.certPem)],
    password,
    { algorithm: 'aes256', friendlyName },
  );
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** The serial number of a PEM certificate, lower-case hex. */
export function certificateSerial(certPem: string): string {
  return normalizeSerial(new x509.X509Certificate(certPem).serialNumber);
}

/** Serials as TLS, OpenSSL and @peculiar/x509 write them differ in case and leading zeros. */
export function normalizeSerial(serial: string): string {
  return serial.replace(/[^0-9a-fA-F]/g, '').toLowerCase().replace(/^0+(?=.)/, '');
}

async function issue(ca: NetworkCa, spec: { subject: string; days: number; extendedUsage: string; extensions: x509.Extension[] }): Promise<IssuedCertificate> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importPrivateKey(ca.keyPem);
  const keys = await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + spec.days * DAY);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: newSerial(),
    subject: spec.subject,
    issuer: caCert.subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey as CryptoKey,
    signingKey: caKey,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([spec.extendedUsage]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
      ...spec.extensions,
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey as CryptoKey), serial: normalizeSerial(cert.serialNumber), notAfter };
}

/** 128 random bits with the top bit clear, so the DER integer stays positive. */
function newSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x10;
  return bytes.toString('hex');
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, RSA, false, ['sign']) as Promise<CryptoKey>;
}
