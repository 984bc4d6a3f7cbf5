/**
 * The switch from ring to local mail, driven by hand on one thread: a record that another thread
 * has reserved and not yet published makes the ring read EMPTY, yet this thread's own records
 * may wait behind it. Local mail must not open then, or this thread's next message would
 * overtake them.
 */
import assert from "node:assert/strict";
import { Actor, ActorRef, handles, OtherMessage } from "../../mod.ts";
import type { CellHost } from "../../src/actor/mod.ts";
import { ReceiveLoop } from "../../src/actor/receive_loop.ts";
import { Arena, Doorbell, Mailbox } from "../../src/ring/mod.ts";
import { SystemCourier } from "../../src/system/courier.ts";
import { Directory, SlotState } from "../../src/system/directory.ts";
import { eventually } from "../_system.ts";

const handled: unknown[] = [];

class Recorder extends Actor<unknown> {
  @handles(OtherMessage)
  onAnything(message: unknown) {
    handled.push(message);
  }
}

/** Lets the loop (on this same thread) run: a few macrotask turns. */
async function letTheLoopRun(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

Deno.test("local mail does not open behind a record another thread is still writing", async () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const directory = Directory.create(arena, 16);
  const thisThread = arena.newThreadId();
  const otherThread = arena.newThreadId();
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
    deadLetter: (_target, _sender, message, kind) => failures.push(`${kind}: ${message}`),
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
  cell.start(Recorder, () => []);
  loop.add(cell);
  const running = loop.run();
  try {
    // Another thread reserves a record and has not published it yet...
    const other = Mailbox.attach(arena, mailbox.offset, otherThread);
    const record = courier.encode(ref, "from the other thread", null);
    const at = other.reserve(record.length);
    // ...when this thread sends through the ring (behind it), and the loop finds the ring EMPTY.
    ref.send("first");
    await letTheLoopRun();
    assert.notEqual(mailbox.localReceiver, cell, "local mail stays closed");
    ref.send("second");
    other.bytes.set(record, at);
    other.commit();
    await eventually(() => handled.length === 3, "all three handled");
    assert.deepEqual(handled, ["from the other thread", "first", "second"]);
    assert.deepEqual(failures, []);
  } finally {
    await loop.close();
    await running;
  }
});
