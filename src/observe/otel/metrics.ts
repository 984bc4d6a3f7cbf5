/**
 * ringmail's metrics, through the OpenTelemetry API's meter, all read on the system's thread:
 * the counters the threads keep anyway (`system.inspect()`) are read at each export, so
 * observing adds no work per message; only Bridge calls are measured as they settle (a histogram
 * of their duration). Attributes are classes and kinds, never actor names or refs, so the number
 * of series stays that of the program's classes (and, for the cluster's links, of its nodes).
 *
 * The snapshot's numbers go into synchronous counters and gauges (a counter gets what its total
 * grew by), refreshed from the callback of one observable instrument (`ringmail.workers`), which
 * the exporter calls at each collection: so the last refresh, at the shutdown's start, is still
 * exported when the process exits — an exporter's last collection calls no callback.
 *
 * @module
 */

import type {
  ActorRef,
  ActorSnapshot,
  CallObserver,
  LinkStatus,
  SystemSnapshot,
} from "../../../mod.ts";
import type {
  Attributes,
  BatchObservableResult,
  Counter,
  Histogram,
  Meter,
  Observable,
} from "./api.ts";
import { classOf } from "./spans.ts";
import { type HasInternals, INTERNALS, internalsOf } from "../../system/internal.ts";
import type { RetiredCounts } from "../../system/inspector.ts";

/** What the metrics read of a system. */
export interface Inspectable {
  inspect(): SystemSnapshot;
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

/** A counter fed with totals: it is told what each total grew by since the last one. */
class TotalCounter {
  readonly #counter: Counter;
  readonly #last = new Map<string, number>();

  constructor(counter: Counter) {
    this.#counter = counter;
  }

  /** The total of the series `key` is `value` now (a first 0 makes the series show). */
  total(value: number, key: string, attributes: Attributes): void {
    const last = this.#last.get(key);
    if (last !== undefined && value <= last) return;
    this.#last.set(key, value);
    this.#counter.add(value - (last ?? 0), attributes);
  }

  /** The series `key` is over (a node's link no longer listed): its total is forgotten. */
  forget(key: string): void {
    this.#last.delete(key);
  }

  /** How many series' totals it keeps. */
  get size(): number {
    return this.#last.size;
  }
}

/** The metrics of one system (see the module's doc). */
export class SystemMetrics implements Disposable {
  readonly #system: Inspectable;
  readonly #meter: Meter;
  readonly #handled: TotalCounter;
  readonly #deadLetters: TotalCounter;
  readonly #failures: TotalCounter;
  readonly #restarts: TotalCounter;
  readonly #actors: Histogram;
  readonly #depth: Histogram;
  readonly #waiting: Histogram;
  readonly #pending: Histogram;
  readonly #workers: Observable;
  readonly #link: {
    records: TotalCounter;
    bytes: TotalCounter;
    stalls: TotalCounter;
    stalled: TotalCounter;
    waiting: Histogram;
    roundTrip: Histogram;
    up: Histogram;
  };
  /** This node's connection to the NATS server (recorded in a cluster only). */
  readonly #connected: Histogram;
  readonly #callback = (result: BatchObservableResult) => this.#refresh(result);
  /**
   * What the actors that have ended counted, by class (a counter never goes down): the
   * system's own count, made as each actor ends, so that nothing it did since the last
   * collection is lost.
   */
  readonly #retired: () => ReadonlyMap<string, Readonly<RetiredCounts>>;
  /**
   * The nodes whose links the last refresh read: one no longer listed (down for
   * DOWN_LINK_LISTED_MS, src/remote/link_figures.ts) is gone for good — nodes restart as new
   * nodes — and its series' totals go.
   */
  #linkNodes = new Set<string>();
  #disposed = false;

  constructor(system: Inspectable, meter: Meter) {
    this.#system = system;
    this.#retired = INTERNALS in system
      ? () => internalsOf(system as HasInternals).retiredByClass()
      : () => new Map();
    this.#meter = meter;
    const counter = (name: string, description: string, unit = "{message}") =>
      new TotalCounter(meter.createCounter(name, { description, unit }));
    const gauge = (name: string, description: string, unit: string) =>
      meter.createGauge(name, { description, unit });
    this.#handled = counter("ringmail.messages.handled", "Messages actors took, by actor class");
    this.#deadLetters = counter("ringmail.dead_letters", "Messages never handled, by kind");
    this.#failures = counter("ringmail.failures", "Handler failures, by actor class", "{failure}");
    this.#restarts = counter("ringmail.restarts", "Restarts, by actor class", "{restart}");
    this.#actors = gauge("ringmail.actors", "Actors alive, by class", "{actor}");
    this.#depth = gauge("ringmail.mailbox.depth", "The class's deepest mailbox", "{message}");
    this.#waiting = gauge("ringmail.mailbox.waiting", "Messages waiting, by class", "{message}");
    this.#pending = gauge("ringmail.bridge.pending_calls", "Bridge calls waiting", "{call}");
    // The cluster's links, by the other node's id (a handful of series per node).
    this.#link = {
      records: counter("ringmail.link.records", "Records over a link, by direction", "{record}"),
      bytes: counter("ringmail.link.bytes", "Bytes of batches over a link, by direction", "By"),
      stalls: counter("ringmail.link.credit_stalls", "Times records waited for credit", "{stall}"),
      stalled: counter("ringmail.link.credit_stalled", "Time spent waiting for credit", "s"),
      waiting: gauge("ringmail.link.credit_waiting", "Records waiting for credit", "{record}"),
      roundTrip: gauge("ringmail.link.round_trip", "Ping round trip, smoothed", "s"),
      up: gauge("ringmail.link.up", "1 while the node answers pings, 0 once down", "{node}"),
    };
    this.#connected = gauge(
      "ringmail.cluster.connected",
      "1 while this node's connection to the NATS server is up, 0 while it is lost",
      "{connection}",
    );
    this.#workers = meter.createObservableGauge("ringmail.workers", {
      description: "Running Workers",
      unit: "{worker}",
    });
    meter.addBatchObservableCallback(this.#callback, [this.#workers]);
  }

  /** @internal How many link series' totals it keeps (tests: not one per node ever seen). */
  get linkSeriesKept(): number {
    const { records, bytes, stalls, stalled } = this.#link;
    return records.size + bytes.size + stalls.size + stalled.size;
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
   * Stops reading the system (it begins to shut down), after a last refresh: the counts as of
   * now are what the next export, or the one at the process's exit, reports.
   */
  [Symbol.dispose](): void {
    if (this.#disposed) return;
    this.#refresh(null);
    this.#disposed = true;
    this.#meter.removeBatchObservableCallback(this.#callback, [this.#workers]);
  }

  /** Reads the system into the instruments; `result` takes the observable's value. */
  #refresh(result: BatchObservableResult | null): void {
    if (this.#disposed) return;
    const snapshot = this.#system.inspect();
    for (const [className, totals] of this.#totals(snapshot.actors)) {
      const attributes: Attributes = { "ringmail.actor.class": className };
      this.#handled.total(totals.handled, className, attributes);
      this.#failures.total(totals.failures, className, attributes);
      this.#restarts.total(totals.restarts, className, attributes);
      this.#actors.record(totals.actors, attributes);
      this.#depth.record(totals.deepest, attributes);
      this.#waiting.record(totals.waiting, attributes);
    }
    for (const [kind, count] of Object.entries(snapshot.deadLetters.byKind)) {
      this.#deadLetters.total(count ?? 0, kind, { "ringmail.dead_letter.kind": kind });
    }
    this.#pending.record(snapshot.pendingCalls);
    const linkNodes = new Set<string>();
    for (const link of snapshot.links) linkNodes.add(this.#linkFigures(link));
    for (const node of this.#linkNodes) if (!linkNodes.has(node)) this.#linkGone(node);
    this.#linkNodes = linkNodes;
    if (snapshot.connected !== null) this.#connected.record(snapshot.connected ? 1 : 0);
    result?.observe(this.#workers, snapshot.workers.length);
  }

  /** One link's figures, with the other node's id as the attribute; returns that id. */
  #linkFigures(link: LinkStatus): string {
    const figures = this.#link;
    const node = String(link.node);
    const on = { "ringmail.link.node": node };
    const sent = { ...on, "ringmail.link.direction": "sent" };
    const received = { ...on, "ringmail.link.direction": "received" };
    figures.records.total(link.recordsSent, `${node} sent`, sent);
    figures.records.total(link.recordsReceived, `${node} received`, received);
    figures.bytes.total(link.bytesSent, `${node} sent`, sent);
    figures.bytes.total(link.bytesReceived, `${node} received`, received);
    figures.stalls.total(link.creditStalls, node, on);
    figures.stalled.total(link.creditStalledMs / 1000, node, on);
    figures.waiting.record(link.waitingForCredit, on);
    if (link.roundTripAverageMs >= 0) figures.roundTrip.record(link.roundTripAverageMs / 1000, on);
    figures.up.record(link.up ? 1 : 0, on);
    return node;
  }

  /** The link to `node` is no longer listed: the totals of its series are forgotten. */
  #linkGone(node: string): void {
    const figures = this.#link;
    for (const key of [`${node} sent`, `${node} received`]) {
      figures.records.forget(key);
      figures.bytes.forget(key);
    }
    figures.stalls.forget(node);
    figures.stalled.forget(node);
  }

  /** Totals by class: the live actors', plus those of actors that have ended. */
  #totals(live: readonly ActorSnapshot[]): Map<string, ClassTotals> {
    const byClass = new Map<string, ClassTotals>();
    for (const [className, retired] of this.#retired()) {
      const totals = new ClassTotals();
      totals.handled = retired.handled;
      totals.failures = retired.failures;
      totals.restarts = retired.restarts;
      byClass.set(className, totals);
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
}
