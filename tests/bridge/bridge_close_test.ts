/**
 * A Bridge closed by user code that runs while it sends a call (a dead-letter listener, run as
 * the call to a stopped actor becomes one; a calls observer): the calls settle, the ones not
 * sent yet are refused, and its mailbox goes back to the pool once — not twice, which handed
 * one mailbox to two Bridges after it — and its reader stops. And whenTerminated's waits given up
 * leave nothing behind.
 */
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { type ActorRef, ActorSystem, Bridge, type DeadLetter } from "../../mod.ts";
import { ActorDeadError, SystemClosedError } from "../../errors.ts";
import { Echo } from "../_actors/basic.ts";
import { SlowReplier } from "../_actors/behaviours.ts";
import { Replier, ReplyThenLose } from "../_actors/endings.ts";
import { eventually } from "../_system.ts";
import { internalsOf } from "../../src/system/internal.ts";

Deno.test("a Bridge closed by a dead-letter listener while it sends a call: the call settles, and the Bridges opened after it each get their own replies", async () => {
  const deadLetters: DeadLetter[] = [];
  let closeOnDeadLetter: Bridge | null = null;
  await using system = new ActorSystem({
    onDeadLetter: (d) => {
      deadLetters.push(d);
      const bridge = closeOnDeadLetter;
      closeOnDeadLetter = null;
      bridge?.close();
    },
  });
  using helper = new Bridge(system);
  const gone = system.spawn(Echo);
  await system.started(gone);
  await helper.stop([gone], 5_000);
  const first = new Bridge(system);
  closeOnDeadLetter = first;
  // Its actor is gone, and its Bridge closed: either says why it settled.
  const settled = await first.call(gone, "anyone?", { timeout: 5_000 }).catch((e) => e);
  assert.ok(
    settled instanceof ActorDeadError || settled instanceof SystemClosedError,
    String(settled),
  );
  // The reader the call would have started has had its turn.
  await new Promise((resolve) => setTimeout(resolve, 0));
  using a = new Bridge(system);
  using b = new Bridge(system);
  const echo = system.spawn(Echo);
  await system.started(echo);
  const before = deadLetters.length;
  const replies = await Promise.allSettled([
    a.call(echo, "for a", { timeout: 2_000 }),
    b.call(echo, "for b", { timeout: 2_000 }),
  ]);
  assert.deepEqual(
    replies.map((r) => r.status === "fulfilled" ? r.value : String(r.reason)),
    ["for a", "for b"],
    deadLetters.slice(before).map((d) => `${d.kind}: ${d.reason}`).join("; "),
  );
});

for (const mode of ["pump-idle", "pump-running"]) {
  Deno.test(`a Bridge closed by a dead-letter listener while a multiCall sends (${mode}): every call settles, the ones not sent with SystemClosedError, and the process goes on`, async () => {
    const { stdout, stderr, signal } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-env",
        new URL("./_close_during_multicall.ts", import.meta.url).pathname,
        mode,
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(20_000),
    }).output();
    const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    assert.equal(signal, null, `the process hung (killed after 20 s); it printed:\n${out}`);
    assert.doesNotMatch(out, /stopped reading replies|the Bridge failed/, out);
    // The call to the stopped actor: that it is gone, or that the Bridge closed; the others
    // were not sent.
    assert.match(out, /^0: (ActorDeadError|SystemClosedError)$/m, out);
    for (const index of [1, 2]) {
      assert.match(out, new RegExp(`^${index}: SystemClosedError$`, "m"), out);
    }
    assert.match(out, /^done$/m, out);
  });
}

Deno.test("whenTerminated: waits given up (their signal aborted) leave nothing behind; the ones still waiting get the end", async () => {
  await using system = new ActorSystem();
  // Counts the Bridge's waits on the system for an actor's end.
  const host = internalsOf(system).bridgeHost;
  const whenEnded = host.whenEnded;
  let waitsOnSystem = 0;
  host.whenEnded = (ref) => {
    waitsOnSystem++;
    return whenEnded(ref);
  };
  using bridge = new Bridge(system);
  const echo = system.spawn(Echo);
  await system.started(echo);
  // A health check's loop: a wait with a timeout, given up, again and again.
  for (let i = 0; i < 200; i++) {
    const controller = new AbortController();
    const waiting = bridge.whenTerminated(echo, { signal: controller.signal });
    controller.abort(new Error("still running"));
    await assert.rejects(waiting, /still running/);
  }
  const last = bridge.whenTerminated(echo);
  await bridge.stop([echo], 5_000);
  assert.equal((await last).kind, "stopped");
  assert.ok(waitsOnSystem <= 2, `${waitsOnSystem} waits on the system for one actor's end`);
});

Deno.test("whenTerminated: a Bridge closed while it waited for an actor that goes on running is not kept until that actor ends", async () => {
  await using system = new ActorSystem();
  const echo = system.spawn(Echo);
  await system.started(echo);
  const closed = await waitAndClose(system, echo, 50);
  // Out of the turn that made them (a WeakRef's target is kept until then), then a full GC.
  await new Promise((resolve) => setTimeout(resolve, 0));
  collectGarbage();
  const kept = closed.filter((bridge) => bridge.deref() !== undefined).length;
  assert.equal(kept, 0, `${kept} of 50 closed Bridges are still in memory`);
  using bridge = new Bridge(system);
  await bridge.stop([echo], 5_000);
});

Deno.test("a Bridge closed once its calls were answered is not kept until their timeout", async () => {
  await using system = new ActorSystem();
  const echo = system.spawn(Echo);
  await system.started(echo);
  const closed = await callAndClose(system, echo, 20);
  await new Promise((resolve) => setTimeout(resolve, 0));
  collectGarbage();
  const kept = closed.filter((bridge) => bridge.deref() !== undefined).length;
  assert.equal(kept, 0, `${kept} of 20 closed Bridges are still in memory`);
});

/**
 * Request handlers that each open a Bridge, make a call with a long timeout, which is answered
 * at once, and close it. Returns weak refs to those Bridges.
 */
async function callAndClose(
  system: ActorSystem,
  actor: ActorRef<string>,
  count: number,
): Promise<WeakRef<Bridge>[]> {
  const closed: WeakRef<Bridge>[] = [];
  for (let i = 0; i < count; i++) {
    const bridge = new Bridge(system);
    assert.equal(await bridge.call(actor, "hello", { timeout: 600_000 }), "hello");
    bridge.close();
    closed.push(new WeakRef(bridge));
  }
  return closed;
}

/**
 * A server's request handlers: each opens a Bridge, waits on a long-lived actor (a wait given up,
 * another cut short by the close) and closes it. Returns weak refs to those Bridges. A function
 * of its own: a suspended async function's frame may still hold the last one.
 */
async function waitAndClose(
  system: ActorSystem,
  actor: ActorRef<never>,
  count: number,
): Promise<WeakRef<Bridge>[]> {
  const closed: WeakRef<Bridge>[] = [];
  for (let i = 0; i < count; i++) {
    const bridge = new Bridge(system);
    const controller = new AbortController();
    const givenUp = bridge.whenTerminated(actor, { signal: controller.signal });
    const cutShort = bridge.whenTerminated(actor);
    controller.abort(new Error("still running"));
    bridge.close();
    await assert.rejects(givenUp, /still running/);
    await assert.rejects(cutShort, SystemClosedError);
    closed.push(new WeakRef(bridge));
  }
  return closed;
}

/** A full garbage collection (V8's gc, exposed for the test). */
function collectGarbage(): void {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
}

Deno.test('a reply that reaches a closed Bridge is a dead letter "stopped", as the README\'s failure table says', async () => {
  const letters: DeadLetter[] = [];
  await using system = new ActorSystem({ onDeadLetter: (letter) => letters.push(letter) });
  const actor = system.spawn(SlowReplier);
  await system.started(actor);
  const bridge = new Bridge(system);
  const call = bridge.call(actor, "x", { timeout: 5_000 });
  // Closed while the actor writes its reply (its encoding takes ~300 ms: see SlowReplier).
  bridge.close();
  await assert.rejects(call, SystemClosedError);
  await eventually(() => letters.length > 0, "the reply became a dead letter", 5_000);
  assert.deepEqual(letters.map((letter) => letter.kind), ["stopped"]);
  // Told by the actor's Worker, which names the Bridge as it names actors.
  assert.match(letters[0].reason, /^Bridge /);
});

Deno.test('a reply already in a Bridge\'s mailbox when it closes is a dead letter "stopped" too, not "unanswered"', async () => {
  const letters: DeadLetter[] = [];
  await using system = new ActorSystem({ onDeadLetter: (letter) => letters.push(letter) });
  using helper = new Bridge(system);
  const gone = system.spawn(Echo);
  await helper.stop([gone], 5_000);
  const replier = system.spawn(Replier);
  await system.started(replier);
  const bridge = new Bridge(system);
  const before = system.deadLetters;
  const call = bridge.call(replier, new ReplyThenLose(gone), { timeout: 5_000 });
  // The call went out as this turn ended; this thread then spins, reading no reply, until the
  // actor's dead letter (sent after its reply) is counted: the reply is in the Bridge's mailbox.
  await Promise.resolve();
  const deadline = performance.now() + 10_000;
  while (system.deadLetters === before) {
    if (performance.now() > deadline) throw new Error("the actor did not answer within 10 s");
  }
  bridge.close();
  await assert.rejects(call, SystemClosedError);
  await eventually(() => letters.length >= 2, "the reply became a dead letter", 5_000);
  const reply = letters.find((letter) => letter.message === "reply");
  assert.equal(reply?.kind, "stopped", `${reply?.kind}: ${reply?.reason}`);
  assert.match(reply.reason, /^Bridge .*has stopped/);
});
