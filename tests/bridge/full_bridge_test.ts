/**
 * A call whose request becomes a dead letter in a Worker fails at once, with why — also when the
 * Bridge's own mailbox is full of replies it has not read yet: the answer waits for room there,
 * never dropped, so the call does not wait out its timeout.
 */
import assert from "node:assert/strict";
import { MailboxFullError } from "../../errors.ts";
import { busyFor, Grinder } from "../_actors/busy.ts";
import { Flooder, Forward, Forwarder } from "../_actors/forwarder.ts";
import { testSystem, within } from "../_system.ts";

Deno.test("full bridge: a request dropped by a full mailbox fails its call at once, while the Bridge's mailbox is full", async () => {
  await using t = testSystem();
  const flooder = t.system.spawn(Flooder);
  const forwarder = t.system.spawn(Forwarder);
  const dropper = t.system.spawnWith(Grinder, { whenFull: "drop", mailboxCapacity: 256 });
  await Promise.all([flooder, forwarder, dropper].map((ref) => t.system.started(ref)));
  // The dropper is busy: its small mailbox stays full, and what does not fit is dropped.
  dropper.send(3_000);
  const call = t.bridge.call(forwarder, new Forward(dropper, "pay", 50, 200), { timeout: 10_000 });
  const outcome = call.then(() => "answered", (error) => error);
  // Replies to one call, more than the Bridge's 64 KiB ring takes, unread while this thread is
  // busy. (The last call: a call made while an actor waits for room in the ring takes its
  // replies out first.)
  const flooded = t.bridge.call(flooder, 20_000, { timeout: 20_000 }).catch(() => "failed");
  // The forwarder's request reaches the full dropper while the Bridge's ring is full.
  busyFor(1_200);
  const error = await within(20_000, "the call", outcome);
  // Not a CallTimeoutError: the answer was not lost.
  assert.ok(error instanceof MailboxFullError, `the call fails for the full mailbox: ${error}`);
  await flooded;
});
