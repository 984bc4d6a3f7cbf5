/**
 * ringmail's metrics, through the OpenTelemetry API's meter, all read on the system's thread:
 * the counters the threads keep anyway (`system.inspect()`) are read at each export by one batch
 * callback, so observing adds no work per message; only Bridge calls are measured as they settle
 * (a histogram of their duration). Attributes are classes and kinds, never actor names or refs,
 * so the number of series stays that of the program's classes.
 *
 * @module
 */

import type { ActorRef, CallObserver } from "../../../mod.ts";
import type { ActorSnapshot, SystemSnapshot } from "../../system/snapshot.ts";
import type { Attributes, BatchObservableResult, Meter, Observable } from "./api.ts";
import { classOf } from "./spans.ts";

/** What the metrics read of a system. */
export interface Inspectable {
  inspect(): SystemSnapshot;
}

/** Counters of one actor, as last seen (see {@link SystemMetrics.#retire}). */
interface Seen {
  className: string;
  handled: number;
  failures: number;
  restarts: number;
}

/** Per class: actors, handled, failures, restarts, deepest and total mailbox. */
class ClassTotals {
  actors = 0;
  handled = 0;
  failures = 0;
  restarts = 0;
  deepest = 0;
  waiting = 0;
}

/** The metrics of one system (see the module's doc). */
export class SystemMetrics implements Disposable {
  readonly #system: Inspectable;
  readonly #meter: Meter;
  readonly #instruments: Record<string, Observable>;
  readonly #observables: Observable[];
  readonly #callback = (result: BatchObservableResult) => this.#observe(result);
  /** Each live actor's counters at the last export, by its ref's text. */
  #seen = new Map<string, Seen>();
  /** The counters of actors that have ended, by class (a counter never goes down). */
  readonly #retired = new Map<string, ClassTotals>();
  /** Set once disposed: the last snapshot, reported from then on. */
  #final: SystemSnapshot | null = null;

  constructor(system: Inspectable, meter: Meter) {
    this.#system = system;
    this.#meter = meter;
    const counter = (name: string, description: string, unit = "{message}") =>
      meter.createObservableCounter(name, { description, unit });
    const gauge = (name: string, description: string, unit: string) =>
      meter.createObservableGauge(name, { description, unit });
    this.#instruments = {
      handled: counter("ringmail.messages.handled", "Messages actors took, by actor class"),
      deadLetters: counter("ringmail.dead_letters", "Messages never handled, by kind"),
      failures: counter("ringmail.failures", "Handler failures, by actor class", "{failure}"),
      restarts: counter(
        "ringmail.restarts",
        "Restarts by supervisors, by actor class",
        "{restart}",
      ),
      actors: gauge("ringmail.actors", "Actors alive, by class", "{actor}"),
      depth: gauge("ringmail.mailbox.depth", "The deepest mailbox of the class", "{message}"),
      waiting: gauge("ringmail.mailbox.waiting", "Messages waiting, by actor class", "{message}"),
      pending: gauge("ringmail.bridge.pending_calls", "Bridge calls waiting", "{call}"),
      workers: gauge("ringmail.workers", "Running Workers", "{worker}"),
    };
    this.#observables = Object.values(this.#instruments);
    meter.addBatchObservableCallback(this.#callback, this.#observables);
  }

  /** An observer of Bridge calls that records their duration (seconds), by outcome. */
  calls(): CallObserver {
    const duration = this.#meter.createHistogram("ringmail.call.duration", {
      description: "Bridge calls, from the call to its reply or failure",
      unit: "s",
    });
    return {
      started: (_target: ActorRef<unknown>, request: unknown) => {
        const start = performance.now();
        return (ok: boolean) =>
          duration.record((performance.now() - start) / 1000, {
            "ringmail.message.class": classOf(request),
            "ringmail.call.outcome": ok ? "reply" : "error",
          });
      },
    };
  }

  /**
   * Stops reading the system (it begins to shut down): its counts as of now are reported from
   * then on, so the export at the process's exit still has them.
   */
  [Symbol.dispose](): void {
    if (this.#final !== null) return;
    this.#final = this.#snapshot() ?? emptySnapshot();
  }

  #snapshot(): SystemSnapshot | null {
    try {
      return this.#system.inspect();
    } catch {
      return null; // a system shut down may have nothing left to read
    }
  }

  #observe(result: BatchObservableResult): void {
    const snapshot = this.#final ?? this.#snapshot();
    if (snapshot === null) return;
    const { handled, deadLetters, failures, restarts, actors, depth, waiting, pending, workers } =
      this.#instruments;
    const byClass = this.#totals(snapshot.actors);
    for (const [className, totals] of byClass) {
      const attributes: Attributes = { "ringmail.actor.class": className };
      result.observe(handled, totals.handled, attributes);
      result.observe(failures, totals.failures, attributes);
      result.observe(restarts, totals.restarts, attributes);
      result.observe(actors, totals.actors, attributes);
      result.observe(depth, totals.deepest, attributes);
      result.observe(waiting, totals.waiting, attributes);
    }
    for (const [kind, count] of Object.entries(snapshot.deadLetters.byKind)) {
      result.observe(deadLetters, count ?? 0, { "ringmail.dead_letter.kind": kind });
    }
    result.observe(pending, snapshot.pendingCalls);
    result.observe(workers, snapshot.workers.length);
  }

  /** Totals by class: the live actors', plus those of actors that have ended. */
  #totals(live: readonly ActorSnapshot[]): Map<string, ClassTotals> {
    const seen = new Map<string, Seen>();
    for (const actor of live) {
      const { className, handled, failures, restarts } = actor;
      seen.set(String(actor.ref), { className, handled, failures, restarts });
    }
    for (const [key, last] of this.#seen) if (!seen.has(key)) this.#retire(last);
    this.#seen = seen;
    const byClass = new Map<string, ClassTotals>();
    for (const [className, retired] of this.#retired) {
      byClass.set(className, Object.assign(new ClassTotals(), retired, { actors: 0 }));
    }
    for (const actor of live) {
      let totals = byClass.get(actor.className);
      if (totals === undefined) byClass.set(actor.className, totals = new ClassTotals());
      totals.actors++;
      totals.handled += actor.handled;
      totals.failures += actor.failures;
      totals.restarts += actor.restarts;
      totals.waiting += actor.mailbox.waiting;
      totals.deepest = Math.max(totals.deepest, actor.mailbox.waiting);
    }
    return byClass;
  }

  /** An actor that ended since the last export: its counts stay in its class's (as last seen). */
  #retire(last: Seen): void {
    let retired = this.#retired.get(last.className);
    if (retired === undefined) this.#retired.set(last.className, retired = new ClassTotals());
    retired.handled += last.handled;
    retired.failures += last.failures;
    retired.restarts += last.restarts;
  }
}

function emptySnapshot(): SystemSnapshot {
  const rate = { lastSecond: 0, lastTenSeconds: 0 };
  return {
    at: Date.now(),
    upMs: 0,
    workers: [],
    actors: [],
    deadLetters: { total: 0, byKind: {} },
    pendingCalls: 0,
    handled: 0,
    handledRate: rate,
  };
}
