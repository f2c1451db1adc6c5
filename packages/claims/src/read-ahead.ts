/**
 * Reads an async iterable ahead of its consumer, up to `limit` items, so that
 * producing (parsing a file) overlaps with consuming (writing to the database).
 * Errors reach the consumer at the point where they occurred.
 */
export interface ReadAhead<T> extends AsyncIterableIterator<T> {
  /** Stops reading (the consumer will not come for the rest). */
  cancel(): Promise<void>;
}

export function readAhead<T>(source: AsyncIterable<T>, limit: number): ReadAhead<T> {
  const iterator = source[Symbol.asyncIterator]();
  const queue: Array<IteratorResult<T> | { error: unknown }> = [];
  let wake: (() => void) | undefined; // the consumer waits for an item
  let room: (() => void) | undefined; // the producer waits for space
  let stopped = false;
  let finished = false;

  const signal = () => {
    wake?.();
    wake = undefined;
  };
  const pump = (async () => {
    try {
      for (;;) {
        while (queue.length >= limit && !stopped) await new Promise<void>((resolve) => (room = resolve));
        if (stopped) return;
        const result = await iterator.next();
        queue.push(result);
        signal();
        if (result.done) return;
      }
    } catch (error) {
      queue.push({ error });
      signal();
    }
  })();

  const reader: ReadAhead<T> = {
    async next(): Promise<IteratorResult<T>> {
      if (finished) return { done: true, value: undefined };
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const item = queue.shift()!;
      room?.();
      room = undefined;
      if ('error' in item) {
        finished = true;
        throw item.error;
      }
      if (item.done) finished = true;
      return item;
    },
    async cancel() {
      stopped = true;
      room?.();
      await pump;
      await iterator.return?.();
    },
    async return() {
      await reader.cancel();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return reader;
    },
  };
  return reader;
}
