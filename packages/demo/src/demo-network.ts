/**
 * The demo network: the synthetic claims' facilities as participants, one user
 * of each role (and a doctor at a clinic, who sends reading requests to the
 * hospital), a terminal certificate for each place they work (the hospital,
 * the clinic, the pharmacy, the secretariat), and cards for some of the
 * synthetic patients. Everything it needs to log in is written to
 * DATA/demo/credentials.json.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createUser, issueCard, loadOrCreateNetworkCa, pkiDir, upsertFacility, type Role } from '@renkei/access';
import { decryptField } from '@renkei/identity';
import type { ServerKeys, Stores } from '@renkei/store';
import { facilities } from '@renkei/synthetic';
import { seedDemoParticipants } from './demo-participants.js';
import { issueTerminal, readablePassword } from '@renkei/admin';

export interface DemoTerminal {
  p12: string;
  password: string;
  serial: string;
  name: string;
  /** null: the secretariat's. */
  facility: string | null;
}

export interface DemoCredentials {
  caCert: string;
  /** The hospital's terminal. */
  terminal: DemoTerminal;
  /** One terminal for each place the demo's users work; a user logs in only at their own. */
  terminals: DemoTerminal[];
  /** facility null: the operator, who works for the network. */
  users: Array<{ id: string; password: string; role: Role; facility: string | null }>;
  cards: Array<{ qr: string; label: string }>;
}

export const credentialsFile = (dataDir: string) => path.join(dataDir, 'demo', 'credentials.json');

export async function readDemoCredentials(dataDir: string): Promise<DemoCredentials | undefined> {
  try {
    return JSON.parse(await readFile(credentialsFile(dataDir), 'utf8')) as DemoCredentials;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

type Place = 'hospital' | 'clinic' | 'pharmacy' | 'secretariat';

const USERS: Array<{ id: string; role: Role; displayName: string; at: Place }> = [
  { id: 'demo-doctor', role: 'doctor', displayName: '香川 太郎（医師）', at: 'hospital' },
  { id: 'demo-dentist', role: 'dentist', displayName: '讃岐 花子（歯科医師）', at: 'hospital' },
  { id: 'demo-pharmacist', role: 'pharmacist', displayName: '高松 次郎（薬剤師）', at: 'pharmacy' },
  { id: 'demo-nurse', role: 'nurse', displayName: '丸亀 さくら（看護師）', at: 'hospital' },
  { id: 'demo-technologist', role: 'technologist', displayName: '宇多津 光（診療放射線技師）', at: 'hospital' },
  { id: 'demo-clerk', role: 'clerk', displayName: '坂出 一郎（事務員）', at: 'hospital' },
  { id: 'demo-liaison', role: 'liaison', displayName: '善通寺 恵（地域連携室）', at: 'hospital' },
  { id: 'demo-facility-admin', role: 'facility-admin', displayName: '観音寺 誠（施設管理者）', at: 'hospital' },
  { id: 'demo-operator', role: 'operator', displayName: '三豊 明（ネットワーク運用）', at: 'secretariat' },
  { id: 'demo-clinic-doctor', role: 'doctor', displayName: '綾川 健（診療所医師）', at: 'clinic' },
];

/** Seeds the demo network once; later calls return the credentials written the first time. */
export async function seedDemoNetwork(stores: Stores, keys: ServerKeys, dataDir: string, options: { cards?: number } = {}): Promise<DemoCredentials> {
  const existing = await readDemoCredentials(dataDir);
  if (existing) {
    // A demo seeded before the participants were administered gets them now.
    await seedDemoParticipants(stores.identity);
    // A demo seeded before each place had its own terminal has the hospital's only.
    return { ...existing, terminals: existing.terminals ?? [{ ...existing.terminal, facility: existing.users.find((u) => u.role === 'doctor')?.facility ?? null }] };
  }
  const demoDir = path.join(dataDir, 'demo');
  await mkdir(demoDir, { recursive: true, mode: 0o700 });
  const ca = await loadOrCreateNetworkCa(dataDir);

  for (const f of facilities) {
    await upsertFacility(stores.identity, { code: f.code, name: f.name, kind: f.kind === 'pharmacy' ? 'pharmacy' : f.kind === 'hospital' ? 'hospital' : 'clinic' });
  }
  await seedDemoParticipants(stores.identity);
  const hospital = facilities.find((f) => f.kind === 'hospital')!;
  const clinic = facilities.find((f) => f.kind === 'clinic')!;
  const pharmacy = facilities.find((f) => f.kind === 'pharmacy')!;
  const places: Record<Place, { code: string | null; name: string }> = { hospital, clinic, pharmacy, secretariat: { code: null, name: '連携事務局' } };

  const users: DemoCredentials['users'] = [];
  for (const u of USERS) {
    const password = readablePassword();
    await createUser(stores.identity, { id: u.id, displayName: u.displayName, role: u.role, facilityCode: places[u.at].code, password });
    users.push({ id: u.id, password, role: u.role, facility: places[u.at].code });
  }

  const terminals: DemoTerminal[] = [];
  for (const [place, { code, name }] of Object.entries(places)) {
    const terminalName = `${name} デモ端末`;
    const issued = await issueTerminal(stores.identity, ca, { facilityCode: code, name: terminalName });
    const p12 = path.join(demoDir, place === 'hospital' ? 'terminal.p12' : `terminal-${place}.p12`);
    await writeFile(p12, issued.p12, { mode: 0o600 });
    terminals.push({ p12, password: issued.password, serial: issued.serial, name: terminalName, facility: code });
  }

  const cards: DemoCredentials['cards'] = [];
  for (const person of await oldestPatients(stores, keys, options.cards ?? 10)) {
    const label = `${person.name ?? '氏名なし'}（${person.sex === 1 ? '男' : '女'}・${person.birthDate}生）`;
    const card = await issueCard(stores.identity, keys, person.id, { label });
    cards.push({ qr: card.qr, label });
  }

  const credentials: DemoCredentials = {
    caCert: path.join(pkiDir(dataDir), 'network-ca.pem'),
    terminal: terminals[0]!,
    terminals,
    users,
    cards,
  };
  await writeFile(credentialsFile(dataDir), JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  return credentials;
}

/** Demo patients worth showing: the oldest, who have the longest histories. */
async function oldestPatients(stores: Stores, keys: ServerKeys, count: number) {
  // Birth dates are encrypted: decrypt them all to sort (a demo holds a few hundred persons).
  const { rows } = await stores.identity.query<{ id: string; sex: number; birth_date_enc: Uint8Array; name_enc: Uint8Array | null }>(
    `SELECT p.id, p.sex, p.birth_date_enc, n.name_enc FROM persons p
       LEFT JOIN LATERAL (SELECT name_enc FROM person_names WHERE person_id = p.id ORDER BY first_service_month DESC LIMIT 1) n ON true`,
  );
  const people = rows.map((r) => ({
    id: r.id,
    sex: r.sex,
    birthDate: decryptField(keys.encryption, r.birth_date_enc),
    name: r.name_enc ? decryptField(keys.encryption, r.name_enc) : null,
  }));
  return people.sort((a, b) => a.birthDate.localeCompare(b.birthDate)).slice(0, count);
}
