export { buildApp, type TlsMaterial } from './app.js';
export type { ServerOptions } from './options.js';
export { routeDeclarations, type RouteDeclaration } from './gate.js';
