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
export async function* parseClaimFile(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: ParseOptions = {}): AsyncGenerator<ClaimFileItem> {
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
