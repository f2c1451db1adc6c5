import { userInfo } from 'node:os';
import { operatorProcessContext, type RequestContext } from '@renkei/access';
import { AuditLog } from '@renkei/audit';
import type { CliIo } from './io.js';
import { loadServerKeys, openStores, resolveConfig, type RenkeiConfig, type ServerKeys, type Stores } from '@renkei/store';

/** What a command works with: the configuration, both stores, the server keys and the audit trail. */
export interface CommandContext {
  config: RenkeiConfig;
  stores: Stores;
  keys: ServerKeys;
  audit: AuditLog;
  /** Where the command writes, and the environment it was given. */
  io: CliIo;
}

/** Opens the configuration, keys and stores; the caller closes the stores. A server `share`s embedded stores with other commands. */
export async function openContext(io: CliIo, dataDir: string | undefined, options: { share?: boolean } = {}): Promise<CommandContext> {
  const config = resolveConfig({ dataDir }, io.env);
  const keys = await loadServerKeys(config);
  const stores = await openStores(config, options);
  return { config, keys, stores, audit: new AuditLog(stores, keys), io };
}

/** Opens the stores for one command and closes them when it is done (every audit record committed), whatever happens. */
export async function withContext<T>(io: CliIo, dataDir: string | undefined, work: (context: CommandContext) => Promise<T>): Promise<T> {
  const context = await openContext(io, dataDir);
  try {
    return await work(context);
  } finally {
    await context.audit.stop();
    await context.stores.close();
  }
}

/** The CLI runs on the server machine: its user is the network operator, for permissions and the audit trail. */
export function operatorContext(): RequestContext {
  return operatorProcessContext(userInfo().username);
}
