/**
 * What every Worker of an actor system runs (its entry is `worker_entry.js`). The only `postMessage` a Worker ever gets
 * is its bootstrap: the arena and where things are in it. Everything after travels through
 * mailboxes: its agent starts the actors the guardian sends it.
 *
 * @module
 */

import { ActorRef, type SupervisionStrategy } from "../../actor/mod.ts";
import {
  describeMessage,
  Directory,
  HeldTable,
  installRefCodec,
  ReceiveLoop,
  SystemCourier,
} from "../../delivery/mod.ts";
import { Arena, Doorbell, SpinPolicy } from "../../ring/mod.ts";
import { MailboxPool } from "../mailbox_pool.ts";
import { AGENT_NAME } from "../claim.ts";
import { markActorWorker } from "../actor_worker_flag.ts";
import { WorkerAgent } from "./worker_agent.ts";
import { Asks } from "./asks.ts";
import { WorkerRuntime } from "./worker_runtime.ts";
import { UnreportedLetters } from "./unreported_letters.ts";
import { DeadLetterNotice, WorkerExited } from "../control.ts";
import { encode, setNameBase } from "../../codec/mod.ts";
import { observeWorker, type WorkerObserver } from "../observer.ts";

/** What the system posts to a new Worker, once. */
export interface Bootstrap {
  arena: SharedArrayBuffer;
  directory: number;
  threadId: number;
  agentSlot: number;
  agentGeneration: number;
  agentMailbox: number;
  guardianSlot: number;
  guardianGeneration: number;
  sendTimeout: number;
  maxMessageBytes: number;
  /** The system's default mailbox size, for children spawned in this worker. */
  mailboxCapacity: number;
  /** Messages an actor handles before the worker moves on to the next ready actor. */
  batch: number;
  /** How the system supervises top-level actors (theirs when a StartActor names none). */
  supervision: SupervisionStrategy;
  dedicated: boolean;
  /** What default message names are relative to (see codec's default_name.ts). */
  nameBase: string;
  /** The system's node id in its cluster (0: none). */
  node: number;
  /** The outbox's mailbox (see src/delivery/outbox.ts); 0 outside a cluster. */
  outbox: number;
  /** The system's observer's module, imported before the first actor; null: none (see observer.ts). */
  observer: WorkerObserver | null;
}

/** This module runs as a Worker: its global scope is the Worker's (typed by hand: a
 * `/// <reference lib="deno.worker" />` would change the globals of every module). */
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<Bootstrap>) => void) | null;
  close(): void;
};

/**
 * Runs this Worker's share of the actor system. `worker_entry.js` calls it with the bootstrap,
 * the one message the Worker ever gets.
 */
export async function run(boot: Bootstrap): Promise<void> {
  markActorWorker();
  // Before any actor module is loaded: its message classes get the names they have elsewhere.
  setNameBase(boot.nameBase);
  installRefCodec();
  const arena = Arena.attach(boot.arena);
  const directory = Directory.attach(arena, boot.directory);
  const tracing = boot.observer === null ? null : await observeWorker(boot.observer, boot.threadId);
  const courier = new SystemCourier({
    arena,
    directory,
    threadId: boot.threadId,
    blocking: true,
    sendTimeout: boot.sendTimeout,
    maxMessageBytes: boot.maxMessageBytes,
    node: boot.node,
    tracing,
  });
  if (boot.outbox !== 0) {
    courier.outbox = courier.mailbox(boot.outbox);
    // A run's records for other nodes wake the system thread once, to go in one batch.
    courier.outbox.holdsRings = true;
  }
  const guardian = new ActorRef(
    boot.guardianSlot,
    boot.guardianGeneration,
    0,
    courier,
  );
  // The system's own messages (and the runtime's answers sent as it, see SystemCourier.answer)
  // are nobody's dead letters here either.
  courier.systemSender = guardian;
  const unreported = new UnreportedLetters(courier, guardian);
  courier.sink = {
    deadLetter: ({ target, sender, message, kind, reason }) => {
      // Never blocks, never makes dead letters of its own: under a flood the guardian's mailbox
      // is full, and what cannot be told now is told later, counted (see UnreportedLetters).
      if (!unreported.flush()) {
        return unreported.add(target, describeMessage(message), kind, reason);
      }
      const notice = new DeadLetterNotice(
        target,
        sender,
        describeMessage(message),
        kind,
        reason,
        encodeForNotice(message, courier),
      );
      if (!courier.tryPost(guardian, notice)) {
        unreported.add(target, notice.messageClass, kind, reason);
      }
    },
  };
  const pool = new MailboxPool(arena, directory, courier.handles);
  const runtime = new WorkerRuntime(arena, directory, pool, courier, guardian, {
    dedicated: boot.dedicated,
    mailboxCapacity: boot.mailboxCapacity,
    maxMessageBytes: boot.maxMessageBytes,
    supervision: boot.supervision,
  });
  runtime.keptReports = unreported;
  trapExits((how) => runtime.tellGuardian(new WorkerExited(boot.threadId, how)));
  const agentMailbox = courier.mailbox(boot.agentMailbox);
  // What waits in this Worker's backlogs is counted there, for the system if it dies.
  courier.heldTable = new HeldTable(arena, agentMailbox);
  // The system closes the agent's mailbox first when it gives this Worker up (it died, or a
  // shutdown cut it off): from then on, what this Worker holds is the system's to account for.
  // The mailbox may be recycled and reopened later, though, by which time the system has marked
  // this thread dead for good: either flag says so.
  const given = [agentMailbox.closedFlag(), arena.deadFlag(boot.threadId)];
  const abandoned = () => given.some((flag) => (flag.words[flag.index] & flag.mask) !== 0);
  courier.abandoned = abandoned;
  const loop = new ReceiveLoop(
    Doorbell.create(arena, boot.threadId),
    courier,
    runtime,
    {
      batch: boot.batch,
      local: true,
      blockedParkMs: BLOCKED_PARK_MS,
      spin: new SpinPolicy({
        maxSpins: boot.dedicated ? DEDICATED_SPINS : POOL_SPINS,
      }),
      remoteSpin: new SpinPolicy({ maxSpins: REMOTE_SPINS, minSpins: 0 }),
      abandoned: given,
      // The Worker's own counters, for inspect(): in its agent's mailbox, which it receives.
      threadCounters: agentMailbox,
    },
  );
  courier.doorbell = loop.doorbell.offset;
  runtime.loop = loop;

  const agentCell = loop.createCell(
    runtime.ref(boot.agentSlot, boot.agentGeneration),
    AGENT_NAME,
    agentMailbox,
  );
  agentCell.start(WorkerAgent, () => [runtime]);
  runtime.agent = agentCell;
  // The agent's mailbox is where this Worker's asks get their replies (see asks.ts).
  runtime.asks = new Asks(agentCell.self, courier, loop.timers, guardian);
  loop.setReplyDesk(agentCell, runtime.asks);
  loop.add(agentCell);

  await loop.run();

  // The worker is done. If it ended by itself (its last actor stopped), its agent's slot and
  // mailbox are its own to hand back; if the system closed the agent's mailbox, the system
  // is discarding this worker and keeps them.
  if (!runtime.discarded && !abandoned()) {
    // What its actors sent that still waits for room elsewhere goes before this Worker does.
    await courier.whenBacklogsEmpty();
  }
  if (!runtime.discarded && !abandoned()) {
    courier.heldTable.close();
    courier.heldTable = null;
    // What the guardian sent too late (a start near an actor that has just stopped) is the
    // guardian's to redo, not a dead letter.
    runtime.retire(
      agentCell.self,
      agentMailbox,
      "stopped",
      "its Worker has ended",
      (_, sender) => sender?.equals(guardian) === true,
    );
    // The last word: once the system reads it, it terminates this worker.
    runtime.tellGuardian(new WorkerExited(boot.threadId));
  }
  closeWorker();
}

/**
 * A Worker of one actor spins for its next message, since latency is its point: up to ~60 µs
 * where there are cores to spare, ~12 µs on fewer than 4, where a long spin holds the core that
 * the thread sending to it needs. Measured on 2 cores, an HTTP handler calling an actor ~20k
 * times a second served 0.85–1.02× the requests of a plain Worker over postMessage with 10,000
 * checks, 0.97–1.15× with 2,000; ping-pong, sequential and in-flight calls did not change.
 */
const DEDICATED_SPINS = navigator.hardwareConcurrency >= 4 ? 10_000 : 2_000;
/**
 * A pool's Workers spin less (~6 µs): a pool takes every core by default, so with the main
 * thread busy too, a long spin mostly takes a core from a Worker or thread that has work
 * (spawning 100k actors into a 2-Worker pool went ~10 % faster on 2 cores).
 */
const POOL_SPINS = 1_000;
/**
 * How long a Worker looks for the next quiet request from another node: ~0.6 ms of checks (see
 * ReceiveLoopOptions.remoteSpin). A sequential call across processes comes every ~300 µs on
 * loopback, and its Worker woke from a park 60–90 µs after the ring (2 cores). Its cost: while
 * such calls keep coming, the Worker holds a core; when they stop, or come further apart than the
 * spin, the spin shrinks (see SpinPolicy). `remote_bench.ts --filter "/sequential|in flight|pairs/"`,
 * alternating with the code before: sequential calls 1.25–1.28× raw NATS request/reply before,
 * 0.99–1.24× after; 64 pairs the same within their noise.
 */
const REMOTE_SPINS = 100_000;
/**
 * How long an idle Worker sleeps blocked before it parks asynchronously (see
 * ReceiveLoopOptions.blockedParkMs): a sequential call across processes, a message every
 * ~300 µs, found its actor blocked and woke it ~30 µs sooner. 1 ms is as long as a Worker's
 * own timers and I/O may wait for it.
 */
const BLOCKED_PARK_MS = 1;

const closeWorker = scope.close.bind(scope);

/**
 * Code in an actor may end its Worker (`Deno.exit()`, `close()`); the Worker then vanishes
 * without an error event. Tell the system first, so it treats the Worker as dead at once
 * instead of never.
 */
function trapExits(report: (how: string) => void): void {
  const exit = Deno.exit;
  Deno.exit = ((code?: number) => {
    report(`an actor called Deno.exit(${code ?? ""})`);
    return exit(code);
  }) as typeof Deno.exit;
  scope.close = () => {
    report("an actor called close()");
    closeWorker();
  };
}

const NOTHING = new Uint8Array(0);

/** The message of a dead-letter notice, encoded; empty when it cannot be. */
function encodeForNotice(message: unknown, courier: SystemCourier): Uint8Array {
  if (message === undefined) return NOTHING;
  try {
    return encode(message, courier);
  } catch {
    return NOTHING; // its class is described in the notice all the same
  }
}
