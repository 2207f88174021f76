/**
 * A worker thread that answers requests one message each, replaced by a fresh one after
 * `recycleAfter` requests and stopped when idle for `idleMs` (the next request starts another).
 * The hub runs TF.js this way (model spec builds, the uploaded-model check): importing TF.js takes
 * seconds of CPU and loading a model is synchronous work whose size an uploader chooses, so
 * neither may run on the event loop that answers every other request; and TF.js keeps every
 * tensor name it ever gave out, so its instance is thrown away now and then.
 *
 * The worker module receives `{ id, request }` and answers `{ id, answer }`. A worker that dies
 * answers its requests in flight with `failed(reason)`. A ground-floor file: no domain imports.
 */
import { Worker, type TransferListItem } from 'node:worker_threads';

export interface RecyclingWorkerOptions<TAnswer> {
  /** The compiled worker module. */
  workerUrl: URL;
  /** Requests before the worker is replaced by a fresh one (default 100). */
  recycleAfter?: number;
  /** Idle time before the worker is stopped (default one minute). */
  idleMs?: number;
  /** The answer to a request whose worker failed (`failed: <error>`) or exited (`stopped (exit code N)`) before answering. */
  failed(reason: string): TAnswer;
}

/** What the worker module receives. */
export interface WorkerRequest<TRequest> {
  id: number;
  request: TRequest;
}
/** What the worker module answers. */
export interface WorkerAnswer<TAnswer> {
  id: number;
  answer: TAnswer;
}

export class RecyclingWorker<TRequest, TAnswer> {
  private worker: Worker | null = null;
  private requests = 0;
  private nextId = 1;
  /** Requests in flight, with the worker each was sent to. */
  private readonly pending = new Map<number, { worker: Worker; resolve: (answer: TAnswer) => void }>();
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly recycleAfter: number;
  private readonly idleMs: number;

  /** How many workers have been started so far. */
  started = 0;

  constructor(private readonly options: RecyclingWorkerOptions<TAnswer>) {
    this.recycleAfter = options.recycleAfter ?? 100;
    this.idleMs = options.idleMs ?? 60_000;
  }

  /** Sends `request` (moving the `transfer` buffers to the worker) and resolves with its answer. */
  run(request: TRequest, transfer: readonly TransferListItem[] = []): Promise<TAnswer> {
    clearTimeout(this.idleTimer);
    const worker = this.current();
    this.requests++;
    const id = this.nextId++;
    return new Promise<TAnswer>((resolve) => {
      this.pending.set(id, { worker, resolve });
      worker.postMessage({ id, request } satisfies WorkerRequest<TRequest>, transfer);
    }).finally(() => this.idleLater());
  }

  /**
   * Starts a worker now unless one is running (without sending it anything), and gives it a fresh
   * `idleMs` before it stops: for a caller that knows a request is coming, when the worker module
   * prepares itself as it starts (TF.js imported by the time the request arrives).
   */
  warm(): void {
    this.current();
    this.idleLater();
  }

  /** Stops the worker after `idleMs` unless a request comes first. */
  private idleLater(): void {
    if (this.pending.size > 0) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stop(), this.idleMs).unref();
  }

  private current(): Worker {
    if (this.worker && this.requests >= this.recycleAfter && this.pending.size === 0) void this.stop();
    if (!this.worker) {
      const worker = new Worker(this.options.workerUrl);
      // The hub may exit while a worker idles; a request in flight is lost with its caller anyway.
      worker.unref();
      worker.on('message', ({ id, answer }: WorkerAnswer<TAnswer>) => {
        this.pending.get(id)?.resolve(answer);
        this.pending.delete(id);
      });
      const fail = (reason: string) => {
        if (this.worker === worker) this.worker = null;
        for (const [id, request] of this.pending) {
          if (request.worker !== worker) continue;
          request.resolve(this.options.failed(reason));
          this.pending.delete(id);
        }
      };
      worker.on('error', (error) => fail(`failed: ${error.message}`));
      worker.on('exit', (code) => fail(`stopped (exit code ${code})`));
      this.worker = worker;
      this.requests = 0;
      this.started++;
    }
    return this.worker;
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.stop();
  }
}

/** The worker module's side: answers each request with `handle` (which must not throw). */
export function answerRequests<TRequest, TAnswer>(port: import('node:worker_threads').MessagePort, handle: (request: TRequest) => Promise<TAnswer>): void {
  port.on('message', async ({ id, request }: WorkerRequest<TRequest>) => {
    port.postMessage({ id, answer: await handle(request) } satisfies WorkerAnswer<TAnswer>);
  });
}
