/**
 * A restarted actor's waiting calls (WaitingCalls): the calls its killed instance took settle,
 * those still in its mailbox are answered by the new one — also when the killed thread runs on
 * (Deno's `Worker.terminate()` does not stop JavaScript): in a decoder, or in `receive()`.
 */
import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import { Hung } from "../_actors/lifecycle.ts";
import {
  Asker,
  AskIt,
  decoding,
  Drain,
  letGoOn,
  receivedBy,
  releaseZombies,
  SlowToDecode,
  Zombie,
} from "../_actors/restart_waiting.ts";
import { eventually, type TestSystem, testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };
/** The timeout of the calls whose outcome is checked: they must settle well before it. */
const CALL_TIMEOUT = { timeout: 8_000 };

function outcome(call: Promise<unknown>): Promise<string> {
  return call.then((reply) => `reply: ${reply}`, (error) => `error: ${error.name}`);
}

/** How many messages wait in `actor`'s mailbox, by `system.inspect()`. */
function waitingFor(t: TestSystem, actor: ActorRef<unknown>): number {
  return t.system.inspect().actors.find((a) => a.ref.equals(actor))?.mailbox.waiting ?? -1;
}

Deno.test("restart's waiting calls: a Worker's ask the killed instance took fails at its death; one made after that is answered by the new instance", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const hung = t.system.spawn(Hung);
  const asker = t.system.spawn(Asker);
  // The asker's Worker is up, and watches hung for its asks.
  assert.match(await t.bridge.call(asker, new AskIt(hung, "id"), LONG), /^reply: /);
  const taken = t.bridge.call(asker, new AskIt(hung, "hang quietly"), LONG);
  await eventually(() => {
    const actor = t.system.inspect().actors.find((a) => a.ref.equals(hung));
    return actor !== undefined && actor.mailbox.waiting === 0 && actor.handled >= 2;
  }, "hung took the ask");
  assert.ok(t.system.kill(hung, "it is stuck"));
  // Told at the death (AskLost), as before the restart's waiting calls: no waiting for the
  // recovery.
  assert.match(
    String(await within(15_000, "the ask it took", taken)),
    /^error: ActorDeadError: .*Hung was killed: it is stuck; it is being restarted$/,
  );
  // The asker's Worker has read that news: an ask it makes now waits in hung's mailbox for the
  // new instance (made, most likely, before the recovery is over, which must not fail it).
  assert.equal(
    await within(15_000, "the later ask", t.bridge.call(asker, new AskIt(hung, "later"), LONG)),
    "reply: later",
  );
});

Deno.test("restart's waiting calls: a request the killed thread was decoding when it was given up is answered by the new instance, not left to its timeout", async () => {
  const key = crypto.randomUUID();
  try {
    await using t = testSystem({ supervision: { onFailure: "restart" } });
    const zombie = t.system.spawn(Zombie, key) as ActorRef<unknown>;
    assert.equal(await t.bridge.call(zombie, "id", LONG), "id (instance 1)");
    const slow = outcome(t.bridge.call(zombie, new SlowToDecode(800, key), CALL_TIMEOUT));
    await eventually(() => decoding(key), "its Worker decodes the request");
    assert.ok(t.system.kill(zombie, "it is stuck"));
    // Decoded after the kill: the old thread does not take it; the new instance answers it.
    assert.equal(await within(6_000, "the call", slow), "reply: slow (instance 2)");
  } finally {
    releaseZombies(key);
  }
});

Deno.test("restart's waiting calls: a killed instance's receive() takes nothing more, and what waited is answered by the new instance, not left to its timeout", async () => {
  const key = crypto.randomUUID();
  try {
    await using t = testSystem({ supervision: { onFailure: "restart" } });
    const zombie = t.system.spawn(Zombie, key) as ActorRef<unknown>;
    assert.equal(await t.bridge.call(zombie, new Drain(), LONG), "draining");
    const first = outcome(t.bridge.call(zombie, "q1", CALL_TIMEOUT));
    await eventually(() => receivedBy(key) === "q1", "receive() took q1");
    const second = outcome(t.bridge.call(zombie, "q2", CALL_TIMEOUT));
    await eventually(() => waitingFor(t, zombie) === 1, "q2 waits in the mailbox");
    assert.ok(t.system.kill(zombie, "it is stuck"));
    // The old thread runs on, and receives again: it must take nothing now.
    letGoOn(key);
    assert.equal(await within(6_000, "the call receive() took", first), "error: ActorDeadError");
    assert.equal(await within(6_000, "the waiting call", second), "reply: q2 (instance 2)");
    assert.equal(receivedBy(key), "q1", "the old thread's receive() took nothing after the kill");
  } finally {
    releaseZombies(key);
  }
});
