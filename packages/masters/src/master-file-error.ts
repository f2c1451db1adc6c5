/**
 * A master file that cannot be read as published: the message names the file,
 * the line and the field, so the user can check or re-download that file.
 */
export class MasterFileError extends Error {
  override readonly name = 'MasterFileError';

  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly field: string | null,
    readonly problem: string,
  ) {
    const where = [file, line === null ? null : `line ${line}`].filter((part) => part !== null).join(' ');
    super(field === null ? `${where}: ${problem}` : `${where}, field ${field}: ${problem}`);
  }
}
