/** What the live view sends of a system of very many actors: the busiest, and sums of all. */
import assert from "node:assert/strict";
import type { ActorRef, ActorSnapshot, SystemSnapshot } from "../../mod.ts";
import { ACTORS_SENT, wireSnapshot } from "../../src/observe/live/wire.ts";

function actor(i: number, waiting: number, rate: number): ActorSnapshot {
  const ref = { toString: () => `ActorRef(a${i}#${i}.1)` } as unknown as ActorRef<unknown>;
  return {
    ref,
    name: `a${i}`,
    className: "A",
    worker: 1,
    parent: null,
    children: [],
    state: "running",
    mailbox: { usedBytes: 0, capacityBytes: 1024, waiting },
    handled: 0,
    sent: 0,
    handledRate: { lastSecond: rate, lastTenSeconds: rate },
    failures: 1,
    restarts: 0,
    lastFailure: null,
  };
}

Deno.test("wire: past ACTORS_SENT actors, the fullest mailboxes then the fastest are sent; sums count all", () => {
  const many = ACTORS_SENT + 500;
  const actors = Array.from({ length: many }, (_, i) => actor(i, i % 7 === 0 ? 3 : 0, i % 100));
  const snapshot: SystemSnapshot = {
    at: 0,
    upMs: 0,
    workers: [],
    actors,
    deadLetters: { total: 0, byKind: {} },
    pendingCalls: 0,
    handled: 0,
    handledRate: { lastSecond: 0, lastTenSeconds: 0 },
    links: [],
    connected: null,
  };
  const wire = wireSnapshot(snapshot);
  assert.equal(wire.actors.length, ACTORS_SENT);
  assert.equal(wire.actorsInAll, many);
  const withMail = actors.filter((a) => a.mailbox.waiting > 0).length;
  assert.ok(wire.actors.slice(0, withMail).every((a) => a.mailbox.waiting === 3));
  const rest = wire.actors.slice(withMail).map((a) => a.handledRate.lastSecond);
  assert.deepEqual(rest, rest.toSorted((a, b) => b - a), "then the fastest");
  assert.match(wire.actors[0].ref, /^a\d+#\d+\.1$/, "refs as text");
  assert.deepEqual(wire.totals, {
    running: many,
    waiting: 3 * withMail,
    failures: many,
    restarts: 0,
  });
});
