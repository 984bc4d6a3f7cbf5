/**
 * Supervision: what happens to an actor whose handler throws, decided by the strategy its
 * parent's class declares (`static readonly supervision`), or the system's for top-level actors.
 *
 * A strategy is data, not code, so that it can travel to the child's Worker and be applied there
 * at once: the failing actor neither waits for a decision nor holds its mailbox meanwhile.
 *
 * @module
 */

import { describeValue } from "../util/describe_value.ts";

/**
 * What to do with an actor whose handler threw:
 * - `"resume"`: keep the actor and its state; go on with the next message.
 * - `"restart"`: a fresh instance (constructor and `preStart` again, with the original
 *   arguments) behind the same ref, with the same mailbox; the old one's `postStop` runs first,
 *   and its children are stopped.
 * - `"stop"`: stop the actor (its watchers get `Terminated`).
 * - `"escalate"`: stop the actor, and fail its parent with the same error (the parent's own
 *   supervisor decides about the parent).
 */
export type Directive = "resume" | "restart" | "stop" | "escalate";

/**
 * How a parent's children are supervised; declared on the parent's class as
 * `static readonly supervision`.
 *
 * @example Restart a failing child, at most 3 times a minute
 * ```ts
 * import { Actor, type SupervisionStrategy } from "@ringmail/actors";
 *
 * export class Parent extends Actor {
 *   static readonly module = import.meta.url;
 *   static readonly supervision: SupervisionStrategy = {
 *     onFailure: "restart",
 *     byError: { TypeError: "stop" }, // a bug: restarting will not help
 *     maxRestarts: 3,
 *     withinMs: 60_000,
 *   };
 * }
 * ```
 */
export interface SupervisionStrategy {
  /** What to do when a child's handler throws. Default `"resume"`. */
  readonly onFailure?: Directive;
  /** Directives by the error's `name`, tried before `onFailure`. */
  readonly byError?: Readonly<Record<string, Directive>>;
  /**
   * Restarts allowed within `withinMs`; the next failure that would restart the child stops it
   * and escalates instead (OTP's intensity). Restarts after a handler failed and after the
   * child's Worker died count together. Default 3.
   */
  readonly maxRestarts?: number;
  /** The window of `maxRestarts`, in ms (OTP's period). Default 10,000. */
  readonly withinMs?: number;
}

const DIRECTIVES: ReadonlySet<string> = new Set([
  "resume",
  "restart",
  "stop",
  "escalate",
]);

/** Checks a strategy; returns a plain copy that can cross threads. */
export function checkStrategy(
  strategy: unknown,
  where: string,
): SupervisionStrategy {
  if (strategy === undefined) return {};
  if (strategy === null || typeof strategy !== "object") {
    throw new TypeError(
      `${where} must be an object (a SupervisionStrategy), got ${strategy}`,
    );
  }
  const { onFailure, byError, maxRestarts, withinMs } = strategy as SupervisionStrategy;
  const directive = (value: unknown, field: string) => {
    if (value !== undefined && !DIRECTIVES.has(value as string)) {
      throw new TypeError(
        `${where}.${field} must be "resume", "restart", "stop" or "escalate", got ${
          JSON.stringify(value)
        }`,
      );
    }
  };
  directive(onFailure, "onFailure");
  if (
    byError !== undefined && (byError === null || typeof byError !== "object")
  ) {
    throw new TypeError(
      `${where}.byError must be an object of error names to directives`,
    );
  }
  for (const [name, value] of Object.entries(byError ?? {})) {
    directive(value, `byError.${name}`);
  }
  if (
    maxRestarts !== undefined &&
    !(Number.isInteger(maxRestarts) && maxRestarts >= 0)
  ) {
    throw new RangeError(
      `${where}.maxRestarts must be a whole number, got ${maxRestarts}: the restarts allowed ` +
        `within withinMs (many within a short withinMs come close to no limit)`,
    );
  }
  if (withinMs !== undefined && typeof withinMs !== "number") {
    // `true` or "60000" compare as positive: a window of 1 ms, or a string sent to the Worker.
    throw new TypeError(
      `${where}.withinMs must be a positive number of ms, got ${typeof withinMs} ` +
        describeValue(withinMs),
    );
  }
  if (withinMs !== undefined && !(withinMs > 0)) {
    throw new RangeError(
      `${where}.withinMs must be a positive number of ms, got ${withinMs}`,
    );
  }
  // Only the fields given: the copy crosses threads in every StartActor.
  const copy: {
    -readonly [K in keyof SupervisionStrategy]: SupervisionStrategy[K];
  } = {};
  if (onFailure !== undefined) copy.onFailure = onFailure;
  if (byError !== undefined) copy.byError = { ...byError };
  if (maxRestarts !== undefined) copy.maxRestarts = maxRestarts;
  if (withinMs !== undefined) copy.withinMs = withinMs;
  return copy;
}

const declaredStrategies = new WeakMap<object, SupervisionStrategy>();

/**
 * The strategy an actor class declares for its children (`static supervision`, inherited).
 * @throws {TypeError | RangeError} when the declared strategy is malformed.
 */
export function strategyOf(actorClass: object): SupervisionStrategy {
  let strategy = declaredStrategies.get(actorClass);
  if (strategy === undefined) {
    const declared = (actorClass as { supervision?: unknown }).supervision;
    const name = (actorClass as { name?: string }).name || "the class";
    strategy = checkStrategy(declared, `${name}.supervision`);
    declaredStrategies.set(actorClass, strategy);
  }
  return strategy;
}

/** Whether two strategies say the same thing. */
function sameStrategy(a: SupervisionStrategy, b: SupervisionStrategy): boolean {
  if (
    a.onFailure !== b.onFailure || a.maxRestarts !== b.maxRestarts ||
    a.withinMs !== b.withinMs
  ) {
    return false;
  }
  if (a.byError === b.byError) return true;
  if (a.byError === undefined || b.byError === undefined) return false;
  const names = Object.keys(a.byError);
  return names.length === Object.keys(b.byError).length &&
    names.every((name) => a.byError![name] === b.byError![name]);
}

/**
 * One object per distinct strategy: every StartActor decodes its own copy, and a Worker of a
 * pool would otherwise keep one per actor.
 */
export class StrategyCache {
  readonly #known: SupervisionStrategy[] = [];

  intern(strategy: SupervisionStrategy): SupervisionStrategy {
    for (const known of this.#known) {
      if (sameStrategy(known, strategy)) return known;
    }
    // Programs declare a handful of strategies; past this many, stop remembering new ones.
    if (this.#known.length < 64) this.#known.push(strategy);
    return strategy;
  }
}

/**
 * The time of a restart, in ms: on a clock every thread of the process reads alike
 * (`performance.now()` counts from each thread's own start), because an actor's restarts are
 * decided in two places that must count them together — in its Worker when a handler fails, and
 * by the system when its Worker dies.
 */
export function restartClock(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Decides, for an actor supervised by `strategy`, what a failure with `error` leads to. One
 * actor's restarts count towards one limit wherever they were decided: the system's supervisor
 * of an actor hears of those its Worker decided ({@link restarted}), and a new instance started
 * after its Worker died begins with those the system knows ({@link recent}).
 */
export class Supervisor {
  readonly #strategy: SupervisionStrategy;
  /** When the recent restarts happened ({@link restartClock}), oldest first. */
  #restarts: number[] | null;

  /** @param restarts times of the actor's recent restarts decided elsewhere, oldest first. */
  constructor(strategy: SupervisionStrategy, restarts: readonly number[] | null = null) {
    this.#strategy = strategy;
    this.#restarts = restarts === null || restarts.length === 0 ? null : [...restarts];
  }

  /**
   * The directive for a failure at `now` ({@link restartClock}); a restart past the limit
   * becomes `"escalate"`. A restart it decides counts towards the limit.
   */
  decide(error: unknown, now: number = restartClock()): Directive {
    const directive = this.directiveFor(error);
    if (directive !== "restart") return directive;
    const restarts = this.#prune(now);
    if (restarts.length >= (this.#strategy.maxRestarts ?? 3)) return "escalate";
    restarts.push(now);
    return "restart";
  }

  /** The strategy's directive for `error`, before the restart limit has its say. */
  directiveFor(error: unknown): Directive {
    const name = error instanceof Error ? error.name : "";
    return this.#strategy.byError?.[name] ?? this.#strategy.onFailure ?? "resume";
  }

  /**
   * A restart decided elsewhere, at `at` ({@link restartClock}), counts towards the limit too.
   * Those out of the window go now: the system's supervisor of an actor is told of every restart
   * its Worker decides, and decides itself only when that Worker dies, so for an actor restarted
   * now and then for weeks it kept every one.
   */
  restarted(at: number): void {
    const restarts = this.#prune(restartClock());
    let index = restarts.length;
    while (index > 0 && restarts[index - 1] > at) index--;
    restarts.splice(index, 0, at);
  }

  /** The times of the restarts still within the window at `now`, oldest first; null: none. */
  recent(now: number = restartClock()): number[] | null {
    const restarts = this.#prune(now);
    return restarts.length === 0 ? null : [...restarts];
  }

  /** The restarts within the window at `now`; older ones are forgotten. */
  #prune(now: number): number[] {
    const window = this.#strategy.withinMs ?? 10_000;
    const restarts = this.#restarts ??= [];
    while (restarts.length > 0 && now - restarts[0] > window) restarts.shift();
    return restarts;
  }
}
