/**
 * A courier and a receive loop on the test's own thread, with actors served by it: the delivery
 * layer driven without a Worker. `other` writes into a mailbox as another thread would.
 */
import { type Actor, ActorRef } from "../../mod.ts";
import type { ActorCell, CellHost } from "../../src/actor/mod.ts";
import {
  Directory,
  type Probe,
  ReceiveLoop,
  SlotState,
  SystemCourier,
} from "../../src/delivery/mod.ts";
import { Arena, Doorbell, Mailbox, type SpinPolicy } from "../../src/ring/mod.ts";

/** What reached the courier's dead-letter sink. */
export interface Lost {
  target: ActorRef<unknown>;
  message: unknown;
  kind: string;
  reason: string;
}

/** Options of {@link oneThread}. */
export interface OneThreadOptions {
  probe?: Probe;
  /** Whether sends may block while a mailbox is full (a Worker's courier). Default false. */
  blocking?: boolean;
  sendTimeout?: number;
  /** See ReceiveLoopOptions.remoteSpin. Default: none. */
  remoteSpin?: SpinPolicy;
  /** See ReceiveLoopOptions.remoteStreakEndMs. */
  remoteStreakEndMs?: number;
}

/** Builds the thread's delivery; call `end()` when done. */
export function oneThread(options: OneThreadOptions = {}) {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const directory = Directory.create(arena, 64);
  const thisThread = arena.newThreadId();
  const courier = new SystemCourier({
    arena,
    directory,
    threadId: thisThread,
    blocking: options.blocking ?? false,
    sendTimeout: options.sendTimeout ?? 10_000,
    maxMessageBytes: 1 << 20,
    probe: options.probe,
  });
  const lost: Lost[] = [];
  courier.sink = {
    deadLetter: ({ target, message, kind, reason }) => lost.push({ target, message, kind, reason }),
  };
  const failures: unknown[] = [];
  const host: CellHost = {
    deadLetter: (lost) => courier.deadLetter(lost),
    handlerFailed: (_cell, _message, error) => failures.push(error),
    stopped: () => {},
    spawnChild: () => {
      throw new Error("no children here");
    },
    watch: () => {},
    unwatch: () => {},
  };
  const loop = new ReceiveLoop(Doorbell.create(arena, thisThread), courier, host, {
    local: true,
    remoteSpin: options.remoteSpin,
    remoteStreakEndMs: options.remoteStreakEndMs,
  });
  courier.doorbell = loop.doorbell.offset;
  const running = loop.run();
  const cells: ActorCell[] = [];
  return {
    arena,
    directory,
    courier,
    loop,
    lost,
    failures,
    /** A mailbox of `capacity` bytes in a running slot, not served by any actor. */
    mailbox(capacity = 1024): { mailbox: Mailbox; ref: ActorRef<unknown> } {
      const mailbox = courier.handles.create({ capacity });
      const slot = directory.allocate(mailbox.offset, thisThread);
      directory.setState(slot, SlotState.Running);
      return { mailbox, ref: new ActorRef(slot, directory.generation(slot), 0, courier) };
    },
    /** Starts an actor of `actorClass` on this thread. */
    spawn<A extends Actor<unknown>>(
      actorClass: new (...args: never[]) => A,
      args: unknown[] = [],
      capacity = 1024,
    ): { ref: ActorRef<unknown>; cell: ActorCell } {
      const { mailbox, ref } = this.mailbox(capacity);
      const cell = loop.createCell(ref, actorClass.name, mailbox);
      cell.start(actorClass as never, () => args);
      loop.add(cell);
      cells.push(cell);
      return { ref, cell };
    },
    /** A handle on `mailbox` as another thread has one. */
    other(mailbox: Mailbox): Mailbox {
      return Mailbox.attach(arena, mailbox.offset, arena.newThreadId());
    },
    async end() {
      await loop.close();
      await running;
    },
  };
}
