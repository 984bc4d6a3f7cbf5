/**
 * The receive loop's longer look for work after quiet requests from another node
 * (ReceiveLoopOptions.remoteSpin): which waits take it, and which keep the thread's own spin.
 */
import assert from "node:assert/strict";
import { Actor, ActorRef, handles } from "../../mod.ts";
import { Writer } from "../../src/codec/mod.ts";
import { QUIET_REMOTE_GAP_MS, QUIET_REMOTE_STREAK, writeEnvelope } from "../../src/delivery/mod.ts";
import type { Mailbox } from "../../src/ring/mod.ts";
import { SpinPolicy } from "../../src/ring/mod.ts";
import { oneThread } from "./_one_thread.ts";

/** A spin policy that counts its spins. */
class CountedSpin extends SpinPolicy {
  spins = 0;
  override spin(ready: () => boolean, maxMs?: number): boolean {
    this.spins++;
    return super.spin(ready, maxMs);
  }
}

let heard = 0;
let expected = 0;
let allHeard: (() => void) | null = null;
let release: (() => void) | null = null;

class Listener extends Actor<string> {
  @handles(String)
  onText(_text: string) {
    if (++heard === expected) allHeard?.();
  }
}

/** Tells the test it is in its handler, then awaits the test's word. */
class Waiter extends Actor<string> {
  @handles(String)
  async onText(_text: string) {
    await new Promise<void>((resolve) => {
      release = resolve;
      allHeard?.();
    });
  }
}

/** Bounded: rejects after 5 s. */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(what)), 5_000);
    }),
  ]).finally(() => clearTimeout(timer));
}

Deno.test("receive loop: the longer spin follows quiet requests from another node in a row, and only them", async (t) => {
  const remoteSpin = new CountedSpin({ maxSpins: 64, minSpins: 0 });
  // Pauses between requests never end a streak here (see the test of calls that stop).
  const thread = oneThread({ remoteSpin, remoteStreakEndMs: Infinity });
  try {
    const listener = thread.spawn(Listener);
    const waiter = thread.spawn(Waiter);
    const fromAfar = new ActorRef(3, 1, 0, thread.courier, 7);
    const fromHere = new ActorRef(3, 1, 0, thread.courier);
    const into = new Map<ActorRef<unknown>, Mailbox>([
      [listener.ref, thread.other(listener.cell.mailbox)],
      [waiter.ref, thread.other(waiter.cell.mailbox)],
    ]);
    /**
     * After a pause longer than QUIET_REMOTE_GAP_MS (the quiet this is about, not a wait for
     * anything), writes `count` records from `sender` to `target` and waits until its actor has
     * them. The loop's wait after that run is synchronous with it: done when this resolves.
     */
    const send = async (target: ActorRef<unknown>, sender: ActorRef<unknown>, count = 1) => {
      await new Promise((resolve) => setTimeout(resolve, 2 * Math.ceil(QUIET_REMOTE_GAP_MS)));
      heard = 0;
      expected = count;
      const done = new Promise<void>((resolve) => allHeard = resolve);
      for (let i = 0; i < count; i++) {
        const writer = new Writer(64).reset(thread.courier);
        writeEnvelope(writer, target, sender, 0);
        writer.value(`hello ${i}`);
        assert.ok(into.get(target)!.trySend(writer.toBytes()));
      }
      await within(done, "the actor never had them");
    };

    await t.step("not before the streak", async () => {
      // The first one's wait was not timed (nothing from afar before it): it starts no streak.
      for (let i = 0; i <= QUIET_REMOTE_STREAK - 1; i++) await send(listener.ref, fromAfar);
      assert.equal(remoteSpin.spins, 0);
      await send(listener.ref, fromAfar);
      assert.equal(remoteSpin.spins, 1, "a streak of quiet requests: the longer spin");
      await send(listener.ref, fromAfar);
      assert.equal(remoteSpin.spins, 2);
    });

    await t.step("a handler that awaits keeps the thread's spin", async () => {
      const before = remoteSpin.spins;
      await send(waiter.ref, fromAfar);
      assert.equal(remoteSpin.spins, before, "the awaited promise needs the event loop");
      release!();
    });

    await t.step("a request of this process, or a busy run, ends the streak", async () => {
      await send(listener.ref, fromHere);
      const before = remoteSpin.spins;
      for (let i = 0; i < QUIET_REMOTE_STREAK; i++) await send(listener.ref, fromAfar);
      assert.equal(remoteSpin.spins, before, "the streak began again");
      await send(listener.ref, fromAfar, 5);
      for (let i = 0; i < QUIET_REMOTE_STREAK - 1; i++) await send(listener.ref, fromAfar);
      assert.equal(remoteSpin.spins, before, "five at once: a busy link's run");
    });
  } finally {
    await thread.end();
  }
});

/** A spin policy that counts the checks it makes while one of `timers`' timers is due. */
class TimerWatchingSpin extends SpinPolicy {
  spins = 0;
  checksWhileDue = 0;
  timers: { nextDelay(now: number): number } | null = null;
  override spin(ready: () => boolean, maxMs?: number): boolean {
    this.spins++;
    const timers = this.timers!;
    return super.spin(() => {
      if (timers.nextDelay(performance.now()) === 0) this.checksWhileDue++;
      return ready();
    }, maxMs);
  }
}

/** Sets a loop timer due at once (an actor's timer, a receive timeout) when `arm` is set. */
let arm: (() => void) | null = null;
class Arming extends Actor<string> {
  @handles(String)
  onText(_text: string) {
    arm?.();
    arm = null;
    if (++heard === expected) allHeard?.();
  }
}

Deno.test("receive loop: the longer spin ends when one of the loop's timers is due", async () => {
  // A budget that never runs out by its count: only the clock (or a timer) ends the spin.
  const remoteSpin = new TimerWatchingSpin({ maxSpins: 2 ** 30, minSpins: 0 });
  // Pauses between requests never end a streak here (see the test of calls that stop).
  const thread = oneThread({ remoteSpin, remoteStreakEndMs: Infinity });
  remoteSpin.timers = thread.loop.timers;
  try {
    const actor = thread.spawn(Arming);
    const fromAfar = new ActorRef(3, 1, 0, thread.courier, 7);
    const into = thread.other(actor.cell.mailbox);
    const send = async () => {
      await new Promise((resolve) => setTimeout(resolve, 2 * Math.ceil(QUIET_REMOTE_GAP_MS)));
      heard = 0;
      expected = 1;
      const done = new Promise<void>((resolve) => allHeard = resolve);
      const writer = new Writer(64).reset(thread.courier);
      writeEnvelope(writer, actor.ref, fromAfar, 0);
      writer.value("hello");
      assert.ok(into.trySend(writer.toBytes()));
      await within(done, "the actor never had it");
    };
    for (let i = 0; i <= QUIET_REMOTE_STREAK; i++) await send();
    assert.equal(remoteSpin.spins, 1, "a streak of quiet requests: the longer spin");
    let fired!: () => void;
    const timerFired = new Promise<void>((resolve) => fired = resolve);
    arm = () => thread.loop.timers.schedule(0, 0, () => fired());
    await send();
    await within(timerFired, "the timer never fired");
    assert.ok(remoteSpin.spins >= 2, "the longer spin after the request that set the timer");
    // The clock is read every 64 checks: a spin that heeds the timer makes at most that many.
    assert.ok(
      remoteSpin.checksWhileDue <= 64,
      `${remoteSpin.checksWhileDue} checks while the timer was due`,
    );
  } finally {
    await thread.end();
  }
});

Deno.test("receive loop: calls that stop end the streak: a wait that lasts ends it", async () => {
  const remoteSpin = new CountedSpin({ maxSpins: 64, minSpins: 0 });
  // Longer than the pauses that build the streak by far, shorter than the stop by far.
  const endMs = 50;
  const thread = oneThread({ remoteSpin, remoteStreakEndMs: endMs });
  try {
    const { ref, cell } = thread.spawn(Listener);
    const into = thread.other(cell.mailbox);
    const fromAfar = new ActorRef(3, 1, 0, thread.courier, 7);
    const send = async (pauseMs: number) => {
      // The pause is the quiet (or the calls stopping) this is about, not a wait for anything.
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      heard = 0;
      expected = 1;
      const done = new Promise<void>((resolve) => allHeard = resolve);
      const writer = new Writer(64).reset(thread.courier);
      writeEnvelope(writer, ref, fromAfar, 0);
      writer.value("hello");
      assert.ok(into.trySend(writer.toBytes()));
      await within(done, "the actor never had it");
    };
    for (let i = 0; i <= QUIET_REMOTE_STREAK; i++) await send(1);
    assert.equal(remoteSpin.spins, 1, "a streak");
    await send(2 * endMs);
    assert.equal(remoteSpin.spins, 1, "after the calls stopped, the streak begins again");
    // That request was the streak's first; the next ones make it up.
    for (let i = 0; i < QUIET_REMOTE_STREAK - 2; i++) await send(1);
    assert.equal(remoteSpin.spins, 1);
    await send(1);
    assert.equal(remoteSpin.spins, 2, "and is made again");
  } finally {
    await thread.end();
  }
});
