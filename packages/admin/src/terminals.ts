import { randomBytes } from 'node:crypto';
import { issueTerminalCertificate, registerTerminal, toPkcs12, type NetworkCa } from '@renkei/access';
import type { Db } from '@renkei/store';

export interface IssuedTerminal {
  serial: string;
  /** The PKCS#12 bundle: certificate, key and the network CA, under `password`. */
  p12: Buffer;
  password: string;
  notAfter: Date;
}

/** Issues and registers a terminal certificate for a named PC of a facility. Without a password, one is generated. */
export async function issueTerminal(identity: Db, ca: NetworkCa, terminal: { facilityCode: string; name: string; password?: string }): Promise<IssuedTerminal> {
  const issued = await issueTerminalCertificate(ca, terminal);
  const password = terminal.password ?? randomBytes(12).toString('base64url');
  await registerTerminal(identity, { serial: issued.serial, facilityCode: terminal.facilityCode, name: terminal.name, notAfter: issued.notAfter });
  return { serial: issued.serial, p12: toPkcs12(issued, ca, password, terminal.name), password, notAfter: issued.notAfter };
}
