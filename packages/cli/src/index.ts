export { processIo, type CliIo } from './io.js';
export { renkeiProgram, runRenkei } from './program.js';
