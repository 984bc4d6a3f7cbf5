/**
 * The Probe seam: a probe that counts, given to one thread's courier, sees every send, handled
 * message, dead letter, start and end on that thread — exactly.
 */
import assert from "node:assert/strict";
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";
import type { DeadLetterKind } from "../../src/actor/mod.ts";
import type { Probe } from "../../src/delivery/mod.ts";
import { eventually } from "../_system.ts";
import { oneThread } from "./_one_thread.ts";

/** Counts what it is told. */
class CountingProbe implements Probe {
  sends = 0;
  handles = 0;
  lost: DeadLetterKind[] = [];
  starts: string[] = [];
  ends: string[] = [];
  sent(): void {
    this.sends++;
  }
  handled(): void {
    this.handles++;
  }
  deadLettered(_target: ActorRef<unknown>, _message: unknown, kind: DeadLetterKind): void {
    this.lost.push(kind);
  }
  started(_self: ActorRef<unknown>, name: string): void {
    this.starts.push(name);
  }
  ended(_self: ActorRef<unknown>, name: string): void {
    this.ends.push(name);
  }
}

/** Answers each number n with n - 1 until 0 (a rally with whoever sent it). */
class Rally extends Actor<number> {
  @handles(Number)
  onNumber(n: number, sender: ActorRef<number> | null) {
    if (n > 0) sender?.send(n - 1);
  }
}

/** Stops itself on "stop"; counts everything else. */
class Quitter extends Actor<unknown> {
  @handles(OtherMessage)
  onAny(message: unknown) {
    if (message === "stop") this.context.stop();
  }
}

Deno.test("probe: counts each send, handled message, dead letter, start and end", async () => {
  const probe = new CountingProbe();
  const t = oneThread({ probe });
  try {
    const a = t.spawn(Rally);
    const b = t.spawn(Rally);
    const quitter = t.spawn(Quitter);
    assert.deepEqual(probe.starts, ["Rally", "Rally", "Quitter"]);
    // b serves 100 to a, and the rally goes on down to 0: 101 messages, each sent and handled.
    a.ref.send(100, { sender: b.ref });
    await eventually(() => probe.handles === 101, "the rally ended");
    assert.equal(probe.sends, 101);

    quitter.ref.send("stop");
    await eventually(() => probe.ends.length === 1, "the quitter ended");
    assert.deepEqual(probe.ends, ["Quitter"]);
    quitter.ref.send("too late");
    assert.deepEqual(probe.lost, ["stopped"]);
    assert.equal(probe.sends, 103);
    assert.equal(probe.handles, 102);
    assert.equal(t.directory.deadLetters, 1, "the probe saw what the system counted");
  } finally {
    await t.end();
  }
});
