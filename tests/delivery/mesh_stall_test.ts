/**
 * A mesh of actors in two Workers with 256-byte mailboxes (real Workers): group A sends to A
 * (its own Worker) and to B (the other), group B within B only. A message waiting in its
 * Worker's backlog for a mailbox of that same Worker used to stall for good: the room it needs
 * was handed back only as the loop let its lingering cells go before parking, and no turn
 * followed to flush it. Every job must now be answered within its call's timeout.
 */
import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import { testSystem } from "../_system.ts";
import { Mesh, MeshJob, prng } from "../_actors/ring_pressure.ts";

const PAD_MIN = 190;

Deno.test("mesh: every job of a 2 x 10 actor mesh of 256 B mailboxes is answered; none stalls in its own Worker's backlog (real Workers)", async () => {
  await using t = testSystem({ sendTimeout: 4000 });
  const { system, bridge } = t;
  const HALF = 10;
  const ACTORS = 2 * HALF;
  const N = 60;
  const anchorA = system.spawnWith(Mesh, { mailboxCapacity: 256 });
  const anchorB = system.spawnWith(Mesh, { mailboxCapacity: 256 });
  const actors: ActorRef<unknown>[] = [anchorA];
  for (let i = 1; i < HALF; i++) {
    actors.push(system.spawnWith(Mesh, { near: anchorA, mailboxCapacity: 256 }));
  }
  actors.push(anchorB);
  for (let i = 1; i < HALF; i++) {
    actors.push(system.spawnWith(Mesh, { near: anchorB, mailboxCapacity: 256 }));
  }
  await Promise.all(actors.map((a) => system.started(a)));
  for (const seed of [1, 2, 3]) {
    const rand = prng(seed + 99);
    const outcomes = await Promise.allSettled(actors.map((a, i) => {
      const targets: ActorRef<unknown>[] = [];
      for (let j = 0; j < 3; j++) {
        const k = i < HALF ? Math.floor(rand() * ACTORS) : HALF + Math.floor(rand() * HALF);
        targets.push(actors[k]);
      }
      // Seconds of work at most; a stalled job waited 30 s and more.
      return bridge.call(a, new MeshJob(targets, `a${i}`, N, 10, seed + i, PAD_MIN, 230), {
        timeout: 10_000,
      });
    }));
    const failed = outcomes.flatMap((o, i) => o.status === "rejected" ? [`${i}: ${o.reason}`] : []);
    assert.deepEqual(failed, [], `seed ${seed}`);
  }
});
