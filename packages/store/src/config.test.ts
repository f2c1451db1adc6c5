import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config.js';
import { KEY_FILE, loadServerKeys } from './keys.js';

describe('resolveConfig', () => {
  it('takes --data-dir, else RENKEI_DATA_DIR, else ./data', () => {
    expect(resolveConfig({ dataDir: '/srv/a' }, { RENKEI_DATA_DIR: '/srv/b' }).dataDir).toBe('/srv/a');
    expect(resolveConfig({}, { RENKEI_DATA_DIR: '/srv/b' }).dataDir).toBe('/srv/b');
    expect(resolveConfig({}, {}).dataDir).toBe(path.resolve('data'));
  });

  it('uses PostgreSQL only when both URLs are given, and two different databases', () => {
    expect(resolveConfig({}, {})).toMatchObject({ identityDatabaseUrl: undefined, clinicalDatabaseUrl: undefined });
    expect(() => resolveConfig({}, { IDENTITY_DATABASE_URL: 'postgres://h/identity' })).toThrow('set both IDENTITY_DATABASE_URL and CLINICAL_DATABASE_URL');
    expect(() => resolveConfig({}, { IDENTITY_DATABASE_URL: 'postgres://h/x', CLINICAL_DATABASE_URL: 'postgres://h/x' })).toThrow('two different databases');
  });
});

describe('server keys', () => {
  it('are created once as a private key file in the data directory, and read back the same', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'renkei-keys-'));
    const first = await loadServerKeys(resolveConfig({ dataDir }, {}));
    const mode = (await stat(path.join(dataDir, KEY_FILE))).mode & 0o777;
    expect(mode).toBe(0o600);
    const again = await loadServerKeys(resolveConfig({ dataDir }, {}));
    expect(again.pseudonym.equals(first.pseudonym)).toBe(true);
    expect(new Set([first.pseudonym, first.lookup, first.encryption, first.audit].map((k) => k.toString('hex'))).size).toBe(4);
    expect((await readFile(path.join(dataDir, KEY_FILE), 'utf8')).trim()).toMatch(/^[A-Za-z0-9+/=]{44}$/);
  });

  it('come from RENKEI_SECRET when set, which must be long enough', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'renkei-keys-'));
    const a = await loadServerKeys(resolveConfig({ dataDir }, { RENKEI_SECRET: 'x'.repeat(32) }));
    const b = await loadServerKeys(resolveConfig({ dataDir }, { RENKEI_SECRET: 'y'.repeat(32) }));
    expect(a.pseudonym.equals(b.pseudonym)).toBe(false);
    await expect(stat(path.join(dataDir, KEY_FILE))).rejects.toThrow();
    await expect(loadServerKeys(resolveConfig({ dataDir }, { RENKEI_SECRET: 'short' }))).rejects.toThrow('at least 32 characters');
  });
});
