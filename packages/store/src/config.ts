import path from 'node:path';

/** Where Renkei keeps its data and which databases it uses. */
export interface RenkeiConfig {
  /** The data directory: embedded databases, key file, generated files. */
  dataDir: string;
  /** PostgreSQL URL of the identity store; undefined = embedded PGlite in the data directory. */
  identityDatabaseUrl: string | undefined;
  /** PostgreSQL URL of the clinical store; undefined = embedded PGlite in the data directory. */
  clinicalDatabaseUrl: string | undefined;
  /** The server secret, when given in the environment rather than as a key file. */
  secret: string | undefined;
}

/**
 * Resolves the configuration: `--data-dir`, else RENKEI_DATA_DIR, else ./data;
 * IDENTITY_DATABASE_URL and CLINICAL_DATABASE_URL select PostgreSQL servers.
 */
export function resolveConfig(options: { dataDir?: string | undefined } = {}, env: NodeJS.ProcessEnv = process.env): RenkeiConfig {
  const dataDir = path.resolve(options.dataDir ?? env.RENKEI_DATA_DIR ?? './data');
  const identityDatabaseUrl = nonEmpty(env.IDENTITY_DATABASE_URL);
  const clinicalDatabaseUrl = nonEmpty(env.CLINICAL_DATABASE_URL);
  if ((identityDatabaseUrl === undefined) !== (clinicalDatabaseUrl === undefined)) {
    throw new Error('set both IDENTITY_DATABASE_URL and CLINICAL_DATABASE_URL, or neither (embedded databases)');
  }
  if (identityDatabaseUrl !== undefined && identityDatabaseUrl === clinicalDatabaseUrl) {
    // Keeping who-the-person-is apart from what-happened needs two databases.
    throw new Error('IDENTITY_DATABASE_URL and CLINICAL_DATABASE_URL must name two different databases');
  }
  return { dataDir, identityDatabaseUrl, clinicalDatabaseUrl, secret: nonEmpty(env.RENKEI_SECRET) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
