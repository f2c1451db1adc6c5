import { loadServerKeys, openStores, resolveConfig, type RenkeiConfig, type ServerKeys, type Stores } from '@renkei/store';

/** What a command works with: the configuration, both stores and the server keys. */
export interface CommandContext {
  config: RenkeiConfig;
  stores: Stores;
  keys: ServerKeys;
}

/** Opens the configuration, keys and stores; the caller closes the stores. A server `share`s embedded stores with other commands. */
export async function openContext(dataDir: string | undefined, options: { share?: boolean } = {}): Promise<CommandContext> {
  const config = resolveConfig({ dataDir });
  const keys = await loadServerKeys(config);
  return { config, keys, stores: await openStores(config, options) };
}

/** Opens the stores for one command and closes them when it is done, whatever happens. */
export async function withContext<T>(dataDir: string | undefined, work: (context: CommandContext) => Promise<T>): Promise<T> {
  const { config, keys, stores } = await openContext(dataDir);
  try {
    return await work({ config, stores, keys });
  } finally {
    await stores.close();
  }
}
