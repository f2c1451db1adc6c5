/**
 * Where a command writes and what environment it reads: the process's own when
 * `renkei` runs as a program, a caller's when it runs inside another process.
 */
export interface CliIo {
  /** The environment (RENKEI_DATA_DIR, the database URLs, RENKEI_SECRET, …). */
  env: NodeJS.ProcessEnv;
  /** Writes text to standard output as given. */
  stdout(text: string): void;
  /** Writes text to standard error as given. */
  stderr(text: string): void;
}

/** The running process's environment, standard output and standard error. */
export const processIo: CliIo = {
  env: process.env,
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** Prints one line (or several) to standard output. */
export const print = (io: CliIo, line: string): void => io.stdout(`${line}\n`);

/** Prints one line to standard error. */
export const warn = (io: CliIo, line: string): void => io.stderr(`${line}\n`);
