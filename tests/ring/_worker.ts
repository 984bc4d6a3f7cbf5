/**
 * Starts a test worker module and talks to it: one request, then messages until a `done` or an
 * `error` message. Every worker is terminated by the caller's `using`, so tests never leak one.
 */

export interface TestWorker extends Disposable {
  worker: Worker;
  /** Resolves with the next message the worker posts; rejects on a worker error. */
  next<T = unknown>(): Promise<T>;
}

/** Starts `module` (a URL relative to the caller) as a module Worker. */
export function startWorker(module: URL): TestWorker {
  const worker = new Worker(module, { type: "module" });
  const inbox: unknown[] = [];
  const waiting: { resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  let failure: unknown = null;
  worker.onmessage = (event) => {
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(event.data);
    else inbox.push(event.data);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    failure = new Error(`worker failed: ${event.message}`);
    for (const waiter of waiting.splice(0)) waiter.reject(failure);
  };
  return {
    worker,
    next<T>(): Promise<T> {
      if (inbox.length > 0) return Promise.resolve(inbox.shift() as T);
      if (failure) return Promise.reject(failure);
      return new Promise<T>((resolve, reject) => {
        waiting.push({ resolve: resolve as (v: unknown) => void, reject });
      });
    },
    [Symbol.dispose]() {
      worker.terminate();
    },
  };
}

/** Rejects after `ms` with a message naming `what`, so no test waits forever. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
