/**
 * `ActorSystem.inspect()`: the system at one moment, read on its own thread from what the other
 * threads keep in shared memory as they work — each actor's counters and ring counts in its
 * mailbox header, each Worker's in its agent's, the dead letters by kind in the directory (see
 * `ActorStat`, `Mailbox.stat`, `Mailbox.recordsWaiting`) — plus what the system's thread knows
 * itself: its records of the actors (names, classes, parents, Workers), the failures reported
 * to it, and its Bridges' pending calls. Reading never stops an actor and costs the actors
 * nothing: their counters are plain stores they make anyway, looked at or not.
 *
 * Rates need a past: once inspected, the system samples the counters every
 * {@link SAMPLE_EVERY_MS} ms (an unreferenced timer, which never keeps a program alive), for
 * as long as someone inspects it at least every {@link KEEP_SAMPLING_MS} ms.
 *
 * @module
 */

import { type ActorRef, ActorStat, parkedFor, statClock } from "../actor/mod.ts";
import { SlotState } from "../delivery/mod.ts";
import type { HandlerFailed } from "./control.ts";
import type { ActorRecord } from "./registry.ts";
import type {
  ActorSnapshot,
  ActorState,
  FailureSnapshot,
  Rate,
  SystemSnapshot,
  WorkerSnapshot,
} from "./snapshot.ts";
import type { SystemParts } from "./system_parts.ts";
import type { WorkerHandle } from "./workers.ts";
import { SAMPLE_EVERY_MS, SampleClock, Track } from "./rates.ts";

/** What the actors of one class that have ended counted, in all. */
export interface RetiredCounts {
  handled: number;
  failures: number;
  restarts: number;
}

/** Sampling stops this long after the last `inspect()` (ms). */
export const KEEP_SAMPLING_MS = 15_000;

/** A failure as the system heard of it, for the actor's snapshot. */
interface Failures {
  readonly generation: number;
  count: number;
  last: FailureSnapshot;
}

const STATES: Record<number, ActorState> = {
  [SlotState.Starting]: "starting",
  [SlotState.StartAwaited]: "starting",
  [SlotState.Running]: "running",
  [SlotState.Stopping]: "stopping",
  [SlotState.Dead]: "dead",
  [SlotState.Free]: "dead",
};

/** Milliseconds a Worker has spent parked, the park it is in (if any) included. */
function parkedMsOf(handle: WorkerHandle): number {
  const mailbox = handle.agentMailbox;
  return mailbox.stat(ActorStat.ThreadParkedMs) +
    parkedFor(mailbox.stat(ActorStat.ThreadParkedSince), statClock());
}

/** The system's side of `inspect()` (see the module doc). */
export class Inspector {
  readonly #parts: SystemParts;
  readonly #madeAt = performance.now();
  readonly #clock = new SampleClock();
  readonly #actors = new Map<number, Track>();
  readonly #workers = new Map<number, { handled: Track; parked: Track }>();
  readonly #handledTotal = new HandledTotal((threadId) =>
    this.#parts.workers.get(threadId) !== undefined
  );
  #total: Track | null = null;
  readonly #failures = new Map<number, Failures>();
  readonly #pending = new Set<() => number>();
  readonly #retired = new Map<string, RetiredCounts>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #lastAsked = 0;
  #stopped = false;

  constructor(parts: SystemParts) {
    this.#parts = parts;
  }

  /** A handler failed (every failure is reported to the system's thread). */
  failed(report: Pick<HandlerFailed, "actor" | "messageClass" | "error">): void {
    const actor = report.actor;
    if (actor === null) return;
    let failures = this.#failures.get(actor.slot);
    if (failures === undefined || failures.generation !== actor.generation) {
      failures = { generation: actor.generation, count: 0, last: null! };
      this.#failures.set(actor.slot, failures);
    }
    failures.count++;
    failures.last = {
      message: report.error.message,
      errorName: report.error.name,
      messageClass: report.messageClass,
      at: Date.now(),
    };
  }

  /**
   * `record`'s actor has ended: what it counted stays in its class's totals
   * ({@link retiredByClass}). `counts` are its mailbox's last counters as its Worker read them;
   * null: read them here (the system holds its mailbox: its Worker died).
   */
  ended(record: ActorRecord, counts: { handled: number; restarts: number } | null): void {
    const className = this.#parts.spawner.classNameOf(record.classId);
    let retired = this.#retired.get(className);
    if (retired === undefined) {
      this.#retired.set(className, retired = { handled: 0, failures: 0, restarts: 0 });
    }
    const failures = this.#failures.get(record.slot);
    if (failures !== undefined && failures.generation === record.generation) {
      retired.failures += failures.count;
      this.#failures.delete(record.slot);
    }
    if (counts === null && this.#parts.directory.mailbox(record.slot) === record.mailbox) {
      const mailbox = this.#parts.courier.mailbox(record.mailbox);
      counts = {
        handled: mailbox.stat(ActorStat.Handled),
        restarts: mailbox.stat(ActorStat.Restarts),
      };
    }
    if (counts !== null) {
      retired.handled += counts.handled;
      retired.restarts += counts.restarts;
    } else {
      // Its Worker retired its mailbox (it ended there) before the system heard: its counts
      // come in that report, which finds the actor ended already (see lateCounts).
      this.#countsToCome.set(record.slot, { generation: record.generation, retired });
    }
  }

  /**
   * The end report of an actor that {@link ended} without its counts (its Worker retired it,
   * then died before the system read the report): they go into its class's totals now.
   */
  lateCounts(
    slot: number,
    generation: number,
    counts: { handled: number; restarts: number },
  ): void {
    const waiting = this.#countsToCome.get(slot);
    if (waiting === undefined || waiting.generation !== generation) return;
    this.#countsToCome.delete(slot);
    waiting.retired.handled += counts.handled;
    waiting.retired.restarts += counts.restarts;
  }

  /**
   * Actors that ended without their counts, by slot (see lateCounts): at most one a slot, the
   * last (a report that never came is replaced when the slot ends another actor).
   */
  readonly #countsToCome = new Map<number, { generation: number; retired: RetiredCounts }>();

  /** What the actors that have ended counted, by class name (totals that never go down). */
  retiredByClass(): ReadonlyMap<string, Readonly<RetiredCounts>> {
    return this.#retired;
  }

  /** Counts the calls `pending` reports among the pending calls; returns how to stop. */
  countPending(pending: () => number): () => void {
    this.#pending.add(pending);
    return () => this.#pending.delete(pending);
  }

  /** The system now (see the module doc). */
  inspect(): SystemSnapshot {
    const now = performance.now();
    this.#lastAsked = now;
    if (this.#timer === null && !this.#stopped && !this.#parts.shutdown.begun) {
      this.#sample(now);
      const timer = this.#timer = setInterval(() => this.#tick(), SAMPLE_EVERY_MS);
      Deno.unrefTimer(timer);
    }
    const { directory } = this.#parts;
    // An actor that has ended (its slot says so) before its end report came is not listed.
    const known = Array.from(this.#parts.registry.values());
    const records = known.filter((record) => {
      const state = directory.state(record.slot);
      return state !== SlotState.Dead && state !== SlotState.Free;
    });
    const hosted = new Map<number, number>();
    const actors = records.map((record) => {
      const worker = record.worker.threadId;
      hosted.set(worker, (hosted.get(worker) ?? 0) + 1);
      return this.#actor(record, now);
    });
    // What is kept of an actor goes once the system knows of its end, not when its slot says so:
    // its failures then go into its class's totals (see ended).
    this.#forgetEnded(known);
    const counts = new Map<number, number>();
    const workers = this.#parts.workers.inUse().map((handle) => {
      const worker = this.#worker(handle, hosted.get(handle.threadId) ?? 0, now);
      counts.set(handle.threadId, worker.handled);
      return worker;
    });
    const handled = this.#handledTotal.of(counts);
    let pendingCalls = 0;
    for (const pending of this.#pending) pendingCalls += pending();
    const total = this.#total;
    const cluster = this.#parts.cluster.statusNow();
    return {
      at: Date.now(),
      upMs: now - this.#madeAt,
      workers,
      actors,
      deadLetters: { total: directory.deadLetters, byKind: directory.deadLettersByKind() },
      pendingCalls,
      handled,
      handledRate: total === null ? NO_RATE : this.#rate(total, handled, now),
      links: cluster?.links ?? [],
      connected: cluster?.connected ?? null,
    };
  }

  /** Stops sampling (the system shuts down). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  #tick(): void {
    const now = performance.now();
    if (now - this.#lastAsked > KEEP_SAMPLING_MS || this.#parts.shutdown.begun) {
      // Nobody looks any more: the samples would be stale when someone does; start afresh then.
      this.stop();
      this.#stopped = this.#parts.shutdown.begun;
      this.#clock.taken = 0;
      this.#actors.clear();
      this.#workers.clear();
      this.#total = null;
      return;
    }
    this.#sample(now);
  }

  /** Records every counter a rate is made of, at `now`. */
  #sample(now: number): void {
    const index = this.#clock.tick(now);
    const { courier } = this.#parts;
    for (const record of this.#parts.registry.values()) {
      const handled = courier.mailbox(record.mailbox).stat(ActorStat.Handled);
      this.#trackOf(this.#actors, record.slot, record.generation, handled, now).values[index] =
        handled;
    }
    const counts = new Map<number, number>();
    for (const handle of this.#parts.workers.inUse()) {
      const handled = handle.agentMailbox.stat(ActorStat.ThreadHandled);
      const parked = parkedMsOf(handle);
      counts.set(handle.threadId, handled);
      const tracks = this.#workerTracks(handle, handled, parked, now);
      tracks.handled.values[index] = handled;
      tracks.parked.values[index] = parked;
    }
    // The tracks of Workers gone from use go too: a system whose Workers come and go while
    // someone looks would otherwise keep one for each it ever had.
    for (const threadId of this.#workers.keys()) {
      if (!counts.has(threadId)) this.#workers.delete(threadId);
    }
    const total = this.#handledTotal.of(counts);
    (this.#total ??= new Track(0, total, now)).values[index] = total;
  }

  #trackOf(
    tracks: Map<number, Track>,
    key: number,
    generation: number,
    value: number,
    now: number,
  ): Track {
    let track = tracks.get(key);
    if (track === undefined || track.generation !== generation) {
      track = new Track(generation, value, now);
      tracks.set(key, track);
    }
    return track;
  }

  #workerTracks(
    handle: WorkerHandle,
    handled: number,
    parked: number,
    now: number,
  ): { handled: Track; parked: Track } {
    let tracks = this.#workers.get(handle.threadId);
    if (tracks === undefined) {
      tracks = {
        handled: new Track(0, handled, now),
        parked: new Track(0, parked, now),
      };
      this.#workers.set(handle.threadId, tracks);
    }
    return tracks;
  }

  #rate(track: Track | undefined, value: number, now: number): Rate {
    if (track === undefined) return NO_RATE;
    return {
      lastSecond: track.rate(this.#clock, value, now, 1_000),
      lastTenSeconds: track.rate(this.#clock, value, now, 10_000),
    };
  }

  #actor(record: ActorRecord, now: number): ActorSnapshot {
    const { courier, directory, registry, spawner } = this.#parts;
    const mailbox = courier.mailbox(record.mailbox);
    const handled = mailbox.stat(ActorStat.Handled);
    const track = this.#actors.get(record.slot);
    const failures = this.#failures.get(record.slot);
    const mine = failures !== undefined && failures.generation === record.generation;
    const children: ActorRef<unknown>[] = [];
    for (const child of record.children ?? []) children.push(registry.refOf(child));
    return {
      ref: registry.refOf(record),
      name: record.name,
      className: spawner.classNameOf(record.classId),
      // Between Workers (its own died, its restart pending): none yet.
      worker: record.worker.dead ? 0 : record.worker.threadId,
      parent: record.parent === null ? null : registry.refOf(record.parent),
      children,
      state: STATES[directory.state(record.slot)] ?? "dead",
      mailbox: {
        usedBytes: mailbox.bytesWaiting,
        capacityBytes: mailbox.capacity,
        waiting: mailbox.recordsWaiting + mailbox.held,
      },
      handled,
      sent: mailbox.stat(ActorStat.Sent),
      handledRate: this.#rate(
        track?.generation === record.generation ? track : undefined,
        handled,
        now,
      ),
      failures: mine ? failures.count : 0,
      restarts: mailbox.stat(ActorStat.Restarts),
      lastFailure: mine ? failures.last : null,
    };
  }

  #worker(handle: WorkerHandle, actors: number, now: number): WorkerSnapshot {
    const handled = handle.agentMailbox.stat(ActorStat.ThreadHandled);
    const parkedMs = parkedMsOf(handle);
    const started = Number.isNaN(handle.startedAt) ? now : handle.startedAt;
    const tracks = this.#workers.get(handle.threadId);
    let busy = 0;
    if (tracks !== undefined) {
      const parkedPerSecond = tracks.parked.rate(this.#clock, parkedMs, now, 1_000);
      busy = Math.min(1, Math.max(0, 1 - parkedPerSecond / 1000));
    }
    return {
      threadId: handle.threadId,
      kind: handle.dedicated ? "dedicated" : "pool",
      actors,
      handled,
      handledRate: this.#rate(tracks?.handled, handled, now),
      upMs: now - started,
      parkedMs,
      busy,
    };
  }

  /** Drops what is kept of actors that have ended. */
  #forgetEnded(records: ActorRecord[]): void {
    if (this.#failures.size === 0 && this.#actors.size <= records.length) return;
    const live = new Map<number, number>();
    for (const record of records) live.set(record.slot, record.generation);
    for (const [slot, failures] of this.#failures) {
      if (live.get(slot) !== failures.generation) this.#failures.delete(slot);
    }
    for (const [slot, track] of this.#actors) {
      if (live.get(slot) !== track.generation) this.#actors.delete(slot);
    }
  }
}

const NO_RATE: Rate = { lastSecond: 0, lastTenSeconds: 0 };

/**
 * Messages handled by every Worker the system has had, not only by those in use now: a Worker
 * that leaves them (it died, retired, or became the spare) keeps its count in the total, and the
 * spare, taken back into use, goes on from its own count without being counted twice. (What a
 * Worker handled between the last look and its death is not seen: the total never goes back.)
 */
export class HandledTotal {
  /** The Workers in use at the last look, and what each had handled then. */
  readonly #inUse = new Map<number, number>();
  /**
   * Workers that left use since and may come back (a spare), and their counts then. One gone for
   * good (it died or retired: its thread id is never used again) keeps its count in the total,
   * but not an entry here: a system whose Workers come and go for weeks would keep one for each.
   */
  readonly #left = new Map<number, number>();
  #leftTotal = 0;
  /** Whether thread `threadId`'s Worker still runs (a spare may be taken back into use). */
  readonly #running: (threadId: number) => boolean;

  constructor(running: (threadId: number) => boolean) {
    this.#running = running;
  }

  /** How many Workers that left use it keeps a count of, by thread id (tests). */
  get keptLeft(): number {
    return this.#left.size;
  }

  /** The total, given each Worker in use now and what it has handled (by thread id). */
  of(counts: ReadonlyMap<number, number>): number {
    for (const [threadId, handled] of this.#inUse) {
      if (counts.has(threadId)) continue;
      this.#inUse.delete(threadId);
      this.#left.set(threadId, handled);
      this.#leftTotal += handled;
    }
    // Those that have ended since they left (a retiring Worker runs a while) never come back.
    for (const threadId of this.#left.keys()) {
      if (!this.#running(threadId)) this.#left.delete(threadId);
    }
    let total = 0;
    for (const [threadId, handled] of counts) {
      const before = this.#left.get(threadId);
      if (before !== undefined) {
        this.#left.delete(threadId);
        this.#leftTotal -= before;
      }
      this.#inUse.set(threadId, handled);
      total += handled;
    }
    return total + this.#leftTotal;
  }
}
