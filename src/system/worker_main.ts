/**
 * The entry module of every Worker of an actor system. The only `postMessage` a Worker ever gets
 * is its bootstrap: the arena and where things are in it. Everything after travels through
 * mailboxes: its agent starts the actors the guardian sends it.
 *
 * @module
 */

import { ActorRef, installRefCodec, ReceiveLoop } from "../actor/mod.ts";
import { Arena, Doorbell } from "../ring/mod.ts";
import { SystemCourier } from "./courier.ts";
import { Directory } from "./directory.ts";
import { MailboxPool } from "./mailbox_pool.ts";
import { WorkerAgent } from "./worker_agent.ts";
import { WorkerRuntime } from "./worker_runtime.ts";
import { WorkerExited } from "./control.ts";

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
  /** Messages an actor handles before the worker moves on to the next ready actor. */
  batch: number;
  dedicated: boolean;
}

/** This module runs as a Worker: its global scope is the Worker's (typed by hand: a
 * `/// <reference lib="deno.worker" />` would change the globals of every module). */
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<Bootstrap>) => void) | null;
  close(): void;
};

scope.onmessage = (event) => {
  scope.onmessage = null;
  run(event.data);
};

async function run(boot: Bootstrap): Promise<void> {
  installRefCodec();
  const arena = Arena.attach(boot.arena);
  const directory = Directory.attach(arena, boot.directory);
  const names = new Map<number, string>();
  const courier = new SystemCourier({
    arena,
    directory,
    threadId: boot.threadId,
    blocking: true,
    sendTimeout: boot.sendTimeout,
    maxMessageBytes: boot.maxMessageBytes,
    describe: (slot) => names.get(slot),
  });
  const guardian = new ActorRef(boot.guardianSlot, boot.guardianGeneration, 0, courier);
  courier.sink = { deadLetter: (notice) => courier.tryPost(guardian, notice) };
  const pool = new MailboxPool(arena, directory, boot.threadId);
  const runtime = new WorkerRuntime(arena, directory, pool, courier, guardian, boot.dedicated);
  const loop = new ReceiveLoop(Doorbell.create(arena, boot.threadId), courier, runtime, {
    batch: boot.batch,
    local: true,
  });
  courier.doorbell = loop.doorbell.offset;
  runtime.loop = loop;

  const agentMailbox = courier.mailbox(boot.agentMailbox);
  const agentCell = loop.createCell(
    runtime.ref(boot.agentSlot, boot.agentGeneration),
    "worker agent",
    agentMailbox,
  );
  agentCell.start(WorkerAgent, [runtime]);
  runtime.agent = agentCell;
  loop.add(agentCell);

  await loop.run();

  // The worker is done. If it ended by itself (its last actor stopped), its agent's slot and
  // mailbox are its own to hand back; if the system closed the agent's mailbox, the system
  // is discarding this worker and keeps them.
  if (!runtime.discarded) {
    runtime.retire(agentCell.self, agentMailbox, "its Worker has ended");
    // The last word: once the system reads it, it terminates this worker.
    courier.deliver(guardian, new WorkerExited(boot.threadId), null);
  }
  scope.close();
}
