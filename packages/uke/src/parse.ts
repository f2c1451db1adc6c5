import { ClaimFileParser, type ClaimFileItem, type ParseOptions } from './claim-file-parser.js';
import { LineDecoder } from './lines.js';

/**
 * Parses a claims file from its bytes, in constant memory: yields the header,
 * then each receipt as it completes, then the totals. Throws UkeFormatError
 * (file, line, field) at the first line it cannot read.
 *
 * @example
 *   for await (const item of parseClaimFile(createReadStream(path), { fileName: 'RECEIPTC.UKE' })) …
 */
export async function* parseClaimFile(chunks: AsyncIterable<Uint8Array>, options: ParseOptions = {}): AsyncGenerator<ClaimFileItem> {
  const parser = new ClaimFileParser(options);
  const decoder = new LineDecoder();
  for await (const chunk of chunks) {
    for (const line of decoder.write(chunk)) parser.feed(line);
    yield* parser.take();
  }
  for (const line of decoder.end()) parser.feed(line);
  parser.end();
  yield* parser.take();
}

/** Parses a whole file already in memory (tests, small files). */
export function parseClaimText(text: string, options: ParseOptions = {}): ClaimFileItem[] {
  const parser = new ClaimFileParser(options);
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '' || lines.at(-1) === '\x1a') lines.pop();
  for (const line of lines) parser.feed(line.endsWith('\x1a') ? line.slice(0, -1) : line);
  parser.end();
  return parser.take();
}
