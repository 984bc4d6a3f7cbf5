/**
 * What a live view knows beyond the moment: the system inspected every interval, the throughput
 * of the last minutes (the chart's points), the last failures and dead letters, and the pages
 * listening (Server-Sent Events streams), each sent every snapshot and every entry as it comes.
 *
 * @module
 */

import type { ObservedSystem } from "../../system/observe_options.ts";
import { MAX_INTERVAL_MS } from "./access.ts";
import {
  type ChartPoint,
  chartPoint,
  deadLetterEntry,
  failureEntry,
  type FeedEntry,
  type WireSnapshot,
  wireSnapshot,
} from "./wire.ts";

/** What `GET /api/snapshot` answers, and what a page gets when it connects. */
export interface ViewState {
  readonly snapshot: WireSnapshot;
  readonly history: readonly ChartPoint[];
  /** The last failures, oldest first. */
  readonly failures: readonly FeedEntry[];
  /** The last dead letters, oldest first. */
  readonly deadLetters: readonly FeedEntry[];
}

/** How far back the chart goes. */
const HISTORY_MS = 5 * 60_000;
/**
 * Failures, and dead letters, kept for pages that connect later: each its own list, so that a
 * flood of dead letters never pushes the rarer failures out.
 */
const RECENT_ENTRIES = 200;
/** Entries that come in a burst are sent together, this long after the first. */
const FLUSH_AFTER_MS = 100;
/** A page this many events behind (a slow or stuck tab) skips snapshots until it catches up. */
const MAX_QUEUED = 20;
/**
 * A page this many events behind is let go: its stream ends, and nothing more is queued for it.
 * Failures and dead letters are never skipped, so a tab that reads nothing (a frozen one, a
 * paused debugger) would otherwise have every one queued for it, without end. What was queued
 * stays until the page reads it or its connection goes (erroring the stream would drop it at
 * once, but Deno.serve prints every such error). EventSource connects again after 2 s and gets
 * the recent entries in its hello.
 */
const MAX_BEHIND = 500;
/**
 * The view takes at most 1/this of the system's thread: a snapshot that took longer to make (a
 * system of very many actors) puts off the next one.
 */
const THREAD_SHARE = 20;

const encoder = new TextEncoder();

function event(name: string, data: unknown): Uint8Array {
  return encoder.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** A live view's state and its listeners (see the module doc). */
export class LiveFeed {
  readonly #system: ObservedSystem;
  readonly #history: ChartPoint[] = [];
  readonly #failures: FeedEntry[] = [];
  readonly #deadLetters: FeedEntry[] = [];
  readonly #unsent: FeedEntry[] = [];
  readonly #pages = new Set<ReadableStreamDefaultController<Uint8Array>>();
  readonly #unsubscribe: (() => void)[];
  readonly #intervalMs: number;
  #ticker: ReturnType<typeof setTimeout>;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #snapshot: WireSnapshot;
  #deadLetterCount: { at: number; total: number };
  #closed = false;

  constructor(system: ObservedSystem, intervalMs: number) {
    this.#system = system;
    const first = system.inspect();
    this.#snapshot = wireSnapshot(first, system.ended());
    this.#deadLetterCount = { at: first.at, total: first.deadLetters.total };
    this.#unsubscribe = [
      system.onFailure((failure) => this.#add(this.#failures, failureEntry(failure))),
      system.onDeadLetter((letter) => this.#add(this.#deadLetters, deadLetterEntry(letter))),
    ];
    this.#intervalMs = intervalMs;
    this.#ticker = setTimeout(() => this.#tick(), intervalMs);
  }

  /** The latest snapshot, the chart's points and the recent entries. */
  get state(): ViewState {
    return {
      snapshot: this.#snapshot,
      history: this.#history,
      failures: this.#failures,
      deadLetters: this.#deadLetters,
    };
  }

  /** A new page's stream: the state at once, then each snapshot and entry. */
  stream(): ReadableStream<Uint8Array> {
    let page: ReadableStreamDefaultController<Uint8Array>;
    return new ReadableStream({
      start: (controller) => {
        page = controller;
        // Entries still waiting to go out are in the state this page gets: they go now, to the
        // pages open before it, or this page would get them twice.
        if (this.#flushTimer !== null) {
          clearTimeout(this.#flushTimer);
          this.#flush();
        }
        // A page that lost its connection tries again after 2 s (EventSource's `retry`).
        controller.enqueue(encoder.encode("retry: 2000\n\n"));
        controller.enqueue(event("hello", this.state));
        if (this.#closed) controller.close();
        else this.#pages.add(controller);
      },
      cancel: () => {
        this.#pages.delete(page);
      },
    });
  }

  /** Stops inspecting and listening; ends every page's stream. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#ticker);
    if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    for (const page of this.#pages) {
      try {
        page.close();
      } catch { /* the page had gone already */ }
    }
    this.#pages.clear();
  }

  #tick(): void {
    if (this.#closed) return;
    const started = performance.now();
    try {
      this.#snapshotNow();
    } catch {
      // The system is going down (the view closes with it): try again next time.
    }
    const took = performance.now() - started;
    // Never longer than MAX_INTERVAL_MS, even for a slow snapshot: the inspector would stop
    // sampling, and every rate of the next one read 0.
    const wait = Math.min(MAX_INTERVAL_MS, Math.max(this.#intervalMs, took * THREAD_SHARE));
    this.#ticker = setTimeout(() => this.#tick(), wait);
  }

  #snapshotNow(): void {
    const snapshot = this.#system.inspect();
    const elapsed = snapshot.at - this.#deadLetterCount.at;
    const dead = elapsed > 0
      ? ((snapshot.deadLetters.total - this.#deadLetterCount.total) * 1000) / elapsed
      : 0;
    this.#deadLetterCount = { at: snapshot.at, total: snapshot.deadLetters.total };
    const point = chartPoint(snapshot, dead);
    this.#history.push(point);
    while (this.#history[0].at < point.at - HISTORY_MS) this.#history.shift();
    this.#snapshot = wireSnapshot(snapshot, this.#system.ended());
    this.#send(event("snapshot", { snapshot: this.#snapshot, point }), true);
  }

  #add(recent: FeedEntry[], entry: FeedEntry): void {
    recent.push(entry);
    if (recent.length > RECENT_ENTRIES) recent.shift();
    if (this.#pages.size === 0) return;
    this.#unsent.push(entry);
    if (this.#unsent.length > RECENT_ENTRIES) this.#unsent.shift();
    this.#flushTimer ??= setTimeout(() => this.#flush(), FLUSH_AFTER_MS);
  }

  #flush(): void {
    this.#flushTimer = null;
    this.#send(event("feed", this.#unsent.splice(0)), false);
  }

  /** Sends to every page; a snapshot is `skippable` for a page that fell behind. */
  #send(bytes: Uint8Array, skippable: boolean): void {
    for (const page of this.#pages) {
      const behind = -(page.desiredSize ?? 0);
      if (skippable && behind > MAX_QUEUED) continue;
      try {
        if (behind > MAX_BEHIND) {
          this.#pages.delete(page);
          page.close();
          continue;
        }
        page.enqueue(bytes);
      } catch {
        this.#pages.delete(page); // its connection closed under it
      }
    }
  }
}
