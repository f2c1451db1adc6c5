export * from './defaults.js';
export * from './helper-server.js';
export * from './pkcs11-card.js';
