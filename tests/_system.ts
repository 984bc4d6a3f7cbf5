/** Test helpers: a system and a Bridge that are always shut down, and bounded waits. */
import {
  type ActorFailure,
  ActorSystem,
  type ActorSystemOptions,
  Bridge,
  type DeadLetter,
} from "../mod.ts";

export interface TestSystem extends AsyncDisposable {
  system: ActorSystem;
  bridge: Bridge;
  failures: ActorFailure[];
  deadLetters: DeadLetter[];
  /** Resolves when `condition` holds after a failure or dead letter report; bounded. */
  until(condition: () => boolean, what: string, ms?: number): Promise<void>;
}

/** A system that records failures and dead letters; dispose it with `await using`. */
export function testSystem(options: ActorSystemOptions = {}): TestSystem {
  const failures: ActorFailure[] = [];
  const deadLetters: DeadLetter[] = [];
  const waiters = new Set<() => void>();
  const poke = () => waiters.forEach((waiter) => waiter());
  const system = new ActorSystem({
    onFailure: (failure) => {
      failures.push(failure);
      poke();
    },
    onDeadLetter: (deadLetter) => {
      deadLetters.push(deadLetter);
      poke();
    },
    ...options,
  });
  const bridge = new Bridge(system);
  return {
    system,
    bridge,
    failures,
    deadLetters,
    until(condition, what, ms = 20_000) {
      if (condition()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!condition()) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${what}: not within ${ms} ms`));
        }, ms);
        waiters.add(check);
      });
    },
    async [Symbol.asyncDispose]() {
      bridge.close();
      await system.shutdown();
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

/** Polls `condition` on a short timer until it holds; fails after `ms`. For state with no event. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  ms = 20_000,
): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
