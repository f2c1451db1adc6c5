/**
 * Work for a busy server that is cheaper done together: jobs that arrive while
 * a batch runs go into the next one (one transaction, one commit for all of
 * them). Each caller waits for its own job's result. A batch that fails is
 * split in halves, tried in order, down to the single job at fault, so that the
 * others are done in a few more runs and the fault fails its own caller only.
 */
export class Batches<Job, Result> {
  private queue: Array<{ job: Job; resolve: (result: Result) => void; reject: (error: unknown) => void }> = [];
  private running: Promise<void> | undefined;

  /** `run` answers one result per job, in order, or throws for the whole batch. */
  constructor(
    private readonly run: (jobs: Job[]) => Promise<Result[]>,
    private readonly maxBatch = 500,
  ) {}

  /** Resolves with the job's result once its batch has run. */
  add(job: Job): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves once every job added so far has run (or failed). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.runBatch(this.queue.splice(0, this.maxBatch));
    } finally {
      this.running = undefined;
    }
  }

  private async runBatch(batch: typeof this.queue): Promise<void> {
    try {
      const results = await this.run(batch.map((b) => b.job));
      batch.forEach((b, i) => b.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      const half = Math.ceil(batch.length / 2);
      await this.runBatch(batch.slice(0, half));
      await this.runBatch(batch.slice(half));
    }
  }
}
