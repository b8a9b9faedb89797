import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ValidationResult, ValidatorOptions } from './types';
import type { ValidateInput } from './validate';

export interface IsolationOptions {
  /** Hard limit of one validation; the worker is terminated when it is exceeded. */
  timeoutMs: number;
  /** V8 old-generation heap limit of the worker, in MB. */
  maxHeapMb: number;
}

const limitResult = (message: string, started: number, outOfTime: boolean): ValidationResult => ({
  findings: [{ rule: 'document-limits', severity: 'error', message, path: '' }],
  errors: 1,
  warnings: 0,
  durationMs: Math.round(performance.now() - started),
  ...(outOfTime ? { outOfTime: true as const } : {}),
});

/**
 * Runs validations one at a time in a worker thread with a V8 heap limit and a hard timeout, so
 * that no input (including one that defeats the in-process budget, e.g. a slow YAML parse) can
 * block the catalog's event loop or exhaust the backend's memory: the worker is terminated and
 * a `document-limits` error is reported; the next validation starts a fresh worker.
 */
export class ValidatorWorker {
  private worker?: { w: Worker; ready: Promise<void> };
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;

  constructor(
    private readonly isolation: IsolationOptions,
    private readonly options: ValidatorOptions,
  ) {}

  validate(input: ValidateInput): Promise<ValidationResult> {
    const run = this.queue.then(() => this.runOne(input));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    const cur = this.worker;
    this.worker = undefined;
    await cur?.w.terminate();
  }

  private spawn(): { w: Worker; ready: Promise<void> } {
    // Named as this file is: worker.ts from source (tsx is inherited through execArgv), worker.cjs.js as built
    // by the Backstage CLI (the package's `./worker` entry point, so that the build emits it).
    const file = path.join(__dirname, path.basename(__filename).replace(/^isolate/, 'worker'));
    const w = new Worker(file, {
      workerData: { options: this.options },
      resourceLimits: { maxOldGenerationSizeMb: this.isolation.maxHeapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
      stdout: false,
      stderr: false,
    });
    const ready = new Promise<void>((resolve, reject) => {
      const onMsg = (m: { ready?: boolean }) => {
        if (m?.ready) {
          w.off('message', onMsg);
          resolve();
        }
      };
      w.on('message', onMsg);
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`validator worker exited during start (code ${code})`)));
    });
    ready.catch(() => undefined);
    return { w, ready };
  }

  private async runOne(input: ValidateInput): Promise<ValidationResult> {
    if (!this.worker) this.worker = this.spawn();
    const cur = this.worker;
    cur.w.ref(); // keeps the process alive while a validation is pending; unref'd when idle
    try {
      await cur.ready;
    } catch (e) {
      this.worker = undefined;
      void cur.w.terminate();
      throw new Error(`validator worker failed to start: ${(e as Error).message}`);
    }
    const started = performance.now();
    const { w } = cur;
    const id = ++this.seq;
    return new Promise<ValidationResult>((resolve) => {
      const finish = (r: ValidationResult) => {
        clearTimeout(timer);
        w.unref();
        w.off('message', onMsg);
        w.off('error', onErr);
        w.off('exit', onExit);
        resolve(r);
      };
      const fail = (message: string, outOfTime = false) => {
        if (this.worker === cur) this.worker = undefined;
        void w.terminate();
        finish(limitResult(message, started, outOfTime));
      };
      const timer = setTimeout(() => fail(`validation did not finish within ${this.isolation.timeoutMs} ms and was stopped`, true), this.isolation.timeoutMs);
      const onMsg = (m: { id?: number; result?: ValidationResult; crash?: string }) => {
        if (m.id !== id) return;
        if (m.result) finish(m.result);
        else fail(`validator failed: ${m.crash}`);
      };
      const onErr = (e: Error & { code?: string }) =>
        fail(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `validation exceeded its memory limit of ${this.isolation.maxHeapMb} MB and was stopped` : `validator worker failed: ${e.message}`);
      const onExit = (code: number) => fail(`validator worker exited (code ${code})`);
      w.on('message', onMsg);
      w.on('error', onErr);
      w.on('exit', onExit);
      w.postMessage({ id, input });
    });
  }
}
