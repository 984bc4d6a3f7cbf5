/**
 * What the live view sends its page, as JSON: the snapshot with refs written as text
 * (`Name#slot.generation`), a point of the throughput chart, and failures and dead letters as
 * feed entries.
 *
 * @module
 */

import type { ActorRef } from "../../actor/mod.ts";
import type { ActorFailure, DeadLetter } from "../../system/options.ts";
import type { ActorSnapshot, SystemSnapshot } from "../../system/snapshot.ts";

/** An actor, with its refs as text. */
export type WireActor =
  & Omit<ActorSnapshot, "ref" | "parent" | "children">
  & { readonly ref: string; readonly parent: string | null; readonly children: string[] };

/**
 * The snapshot, with its actors' refs as text: of a system with very many actors, the
 * {@link ACTORS_SENT} with the most messages waiting, then the fastest; `actorsInAll` counts them
 * all.
 */
export type WireSnapshot = Omit<SystemSnapshot, "actors"> & {
  readonly actors: WireActor[];
  readonly actorsInAll: number;
  /**
   * Sums over all actors, those not sent included: `running` and `waiting` of the live ones,
   * `failures` and `restarts` of every actor so far, those that have ended included.
   */
  readonly totals: { running: number; waiting: number; failures: number; restarts: number };
};

/**
 * The most actors a snapshot sends: a page shows a few hundred rows at a time, and a system of
 * 100,000 actors would otherwise cost megabytes of JSON on the system's thread every interval.
 */
export const ACTORS_SENT = 1000;

/** One point of the throughput chart. */
export interface ChartPoint {
  /** When, in ms since the epoch. */
  readonly at: number;
  /** Messages handled per second, all actors. */
  readonly handled: number;
  /** Dead letters per second since the point before. */
  readonly dead: number;
  /** Messages handled per second by each Worker, by thread id. */
  readonly workers: Record<number, number>;
}

/** A failure or a dead letter, as the page's feed shows it. */
export type FeedEntry =
  | {
    readonly type: "failure";
    readonly at: number;
    readonly actor: string;
    readonly messageClass: string;
    readonly error: string;
  }
  | {
    readonly type: "deadLetter";
    readonly at: number;
    readonly target: string;
    readonly sender: string;
    readonly messageClass: string;
    readonly kind: string;
    readonly reason: string;
    readonly count: number;
  };

/** A ref as the page shows it: `Name#slot.generation` (and `@node` for another process's). */
export function refText(ref: ActorRef<unknown> | null): string {
  if (ref === null) return "";
  const text = String(ref);
  return text.startsWith("ActorRef(") ? text.slice("ActorRef(".length, -1) : text;
}

/**
 * The snapshot as the page gets it; `ended`: the failures and restarts of the actors that have
 * ended (see `ObservedSystem.ended`), which its totals count too.
 */
export function wireSnapshot(
  snapshot: SystemSnapshot,
  ended: { failures: number; restarts: number } = { failures: 0, restarts: 0 },
): WireSnapshot {
  let actors = snapshot.actors;
  if (actors.length > ACTORS_SENT) {
    actors = actors.toSorted((a, b) =>
      b.mailbox.waiting - a.mailbox.waiting ||
      b.handledRate.lastSecond - a.handledRate.lastSecond
    ).slice(0, ACTORS_SENT);
  }
  const totals = { running: 0, waiting: 0, failures: ended.failures, restarts: ended.restarts };
  for (const actor of snapshot.actors) {
    if (actor.state === "running") totals.running++;
    totals.waiting += actor.mailbox.waiting;
    totals.failures += actor.failures;
    totals.restarts += actor.restarts;
  }
  return {
    ...snapshot,
    actorsInAll: snapshot.actors.length,
    totals,
    actors: actors.map((actor) => ({
      ...actor,
      ref: refText(actor.ref),
      parent: actor.parent === null ? null : refText(actor.parent),
      children: actor.children.map(refText),
    })),
  };
}

export function chartPoint(snapshot: SystemSnapshot, deadPerSecond: number): ChartPoint {
  const workers: Record<number, number> = {};
  for (const worker of snapshot.workers) workers[worker.threadId] = worker.handledRate.lastSecond;
  return {
    at: snapshot.at,
    handled: snapshot.handledRate.lastSecond,
    dead: deadPerSecond,
    workers,
  };
}

export function failureEntry(failure: ActorFailure): FeedEntry {
  return {
    type: "failure",
    at: Date.now(),
    actor: failure.actor === null ? failure.actorName : refText(failure.actor),
    messageClass: failure.messageClass,
    error: `${failure.error.name}: ${failure.error.message}`,
  };
}

export function deadLetterEntry(letter: DeadLetter): FeedEntry {
  return {
    type: "deadLetter",
    at: Date.now(),
    target: refText(letter.target),
    sender: letter.sender === null ? "outside" : refText(letter.sender),
    messageClass: letter.messageClass,
    kind: letter.kind,
    reason: letter.reason,
    count: letter.count,
  };
}
