/**
 * Local mail against the ring, driven by hand on one thread, with another thread's records
 * written through a second handle: the switch from ring to local mail, and the stamps that let
 * ring records go before local mail only when local mail cannot have caused them.
 */
import assert from "node:assert/strict";
import { Actor, ActorRef, handles, OtherMessage } from "../../mod.ts";
import type { CellHost } from "../../src/actor/mod.ts";
import { ReceiveLoop } from "../../src/delivery/receive_loop.ts";
import { Arena, Doorbell, Mailbox } from "../../src/ring/mod.ts";
import { SystemCourier } from "../../src/delivery/courier.ts";
import { Directory, SlotState } from "../../src/delivery/directory.ts";
import { eventually } from "../_system.ts";

/** Keeps what it handles in the array it was made with. */
class Recorder extends Actor<unknown> {
  constructor(readonly handled: unknown[]) {
    super();
  }
  @handles(OtherMessage)
  onAnything(message: unknown) {
    this.handled.push(message);
  }
}

/** Lets the loop (on this same thread) run: a few macrotask turns. */
async function letTheLoopRun(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * One Recorder served by a receive loop on this thread; `other` writes into its mailbox as
 * another thread would. Call `end()` when done.
 */
function oneActor() {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const directory = Directory.create(arena, 16);
  const thisThread = arena.newThreadId();
  const courier = new SystemCourier({
    arena,
    directory,
    threadId: thisThread,
    blocking: false,
    sendTimeout: 10_000,
    maxMessageBytes: 1 << 20,
  });
  const failures: unknown[] = [];
  const host: CellHost = {
    deadLetter: ({ message, kind }) => failures.push(`${kind}: ${message}`),
    handlerFailed: (_cell, _message, error) => failures.push(error),
    stopped: () => {},
    spawnChild: () => {
      throw new Error("no children here");
    },
    watch: () => {},
    unwatch: () => {},
  };
  const loop = new ReceiveLoop(Doorbell.create(arena, thisThread), courier, host, { local: true });
  courier.doorbell = loop.doorbell.offset;
  const mailbox = courier.mailbox(Mailbox.create(arena, { capacity: 1024 }, thisThread).offset);
  const slot = directory.allocate(mailbox.offset, thisThread);
  directory.setState(slot, SlotState.Running);
  const ref = new ActorRef(slot, directory.generation(slot), 0, courier);
  const cell = loop.createCell(ref, "Recorder", mailbox);
  const handled: unknown[] = [];
  cell.start(Recorder, () => [handled]);
  loop.add(cell);
  const running = loop.run();
  const other = Mailbox.attach(arena, mailbox.offset, arena.newThreadId());
  /** Reserves a record from the other thread; the returned function publishes it. */
  const reserveFromOther = (message: unknown) => {
    const record = courier.encode(ref, message, null);
    const at = other.reserve(record.length);
    return () => {
      other.bytes.set(record, at);
      other.commit();
    };
  };
  return {
    ref,
    cell,
    mailbox,
    handled,
    failures,
    reserveFromOther,
    async end() {
      await loop.close();
      await running;
    },
  };
}

Deno.test("local mail does not open behind a record another thread is still writing", async () => {
  const t = oneActor();
  try {
    // Another thread reserves a record and has not published it yet...
    const publish = t.reserveFromOther("from the other thread");
    // ...when this thread sends through the ring (behind it), and the loop finds the ring EMPTY.
    t.ref.send("first");
    await letTheLoopRun();
    assert.notEqual(t.mailbox.localReceiver, t.cell, "local mail stays closed");
    t.ref.send("second");
    publish();
    await eventually(() => t.handled.length === 3, "all three handled");
    assert.deepEqual(t.handled, ["from the other thread", "first", "second"]);
    assert.deepEqual(t.failures, []);
  } finally {
    await t.end();
  }
});

Deno.test("a ring record reserved after a local message never goes first, even past 2^31 bytes", async () => {
  const t = oneActor();
  try {
    t.ref.send("open"); // through the ring; then the loop finds it empty: local mail opens
    await eventually(() => t.mailbox.localReceiver === t.cell, "local mail open");
    t.ref.send("local");
    await eventually(() => t.handled.length === 2, "two handled");
    // As if 2^31 bytes had gone through the ring since the cell last read its write position:
    // the mark then looks a ring's wrap ahead of where the reader is.
    t.cell.ringMark = (t.mailbox.readPosition - 0x8000_0000 - 64) | 0;
    t.cell.localRun = 7; // the next local message taken is an eighth: the ring may go first
    t.ref.send("L");
    // Reserved after L was queued (it could have been caused by L): it must come after L.
    t.reserveFromOther("R")();
    await eventually(() => t.handled.length === 4, "four handled");
    assert.deepEqual(t.handled, ["open", "local", "L", "R"]);
    assert.deepEqual(t.failures, []);
  } finally {
    await t.end();
  }
});
