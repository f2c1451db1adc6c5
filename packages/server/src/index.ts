export { buildApp, type TlsMaterial } from './app.js';
export type { ServerOptions } from './options.js';
