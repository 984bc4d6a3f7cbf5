/**
 * Chaos: Bridge calls and actor-to-actor traffic while Workers are killed at random (seeded:
 * set CHAOS_SEED to replay a run; the seed is in every failure message).
 *
 * Producers share one Worker and the ledger has another; neither is ever killed. Consumers live
 * in a pool whose Workers are. Each consumer reports every item it handles to the ledger. Then, per pair:
 *
 *   delivered (ledger) + dead letters (reported, decoded) + lost = sent (producer)
 *
 * where "lost" is the item a killed Worker had taken from a mailbox and not finished: at most
 * one per kill, and only for pairs whose consumer was killed. Pairs whose consumer survived got
 * every item, in order. Every Bridge call settles, with a reply or a typed error.
 *
 * Two threads spinning fill this machine's 2 cores: the test bounds its own load (a few
 * thousand items per pair and round) instead of assuming more.
 */
import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import { ActorDeadError, CallTimeoutError } from "../../errors.ts";
import { terminateWorkerOf } from "../../src/system/internal.ts";
import { Consumer, Item, Ledger, Produce, Producer } from "../_actors/chaos.ts";
import { eventually, testSystem, within } from "../_system.ts";

/** A small seeded PRNG (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PAIRS = 8;
const ROUNDS = 6;
const ITEMS = 2000;
const KILLS = 2;
const CALLS_PER_ROUND = 24;

Deno.test("chaos: Workers killed at random under load; every call settles, the counts add up", async () => {
  const seed = Number(Deno.env.get("CHAOS_SEED") ?? Math.floor(Math.random() * 2 ** 31));
  const next = random(seed);
  const at = `(seed ${seed}; replay with CHAOS_SEED=${seed})`;
  await using t = testSystem({ sendTimeout: 10_000 });
  const ledger = t.system.spawn(Ledger);
  // The ledger gets a Worker of its own: were it next to the producers, a producer blocked on a
  // full consumer would stop the ledger that consumer is blocked on (a cycle of full mailboxes
  // that only the send timeout breaks).
  const first = t.system.spawn(Producer, 0);
  const producers = [
    first,
    ...Array.from(
      { length: PAIRS - 1 },
      (_, pair) => t.system.spawnWith(Producer, { near: first }, pair + 1),
    ),
  ];
  const pool = t.system.createPool({ workers: KILLS + 1 });
  const consumers = Array.from({ length: PAIRS }, () => pool.spawn(Consumer, ledger));
  const killed = new Set<number>(); // pairs whose consumer's Worker was killed
  consumers.forEach((consumer, pair) =>
    t.bridge.whenTerminated(consumer).then(
      (end) => {
        assert.equal(end.kind, "worker-died", `only kills end consumers ${at}`);
        killed.add(pair);
      },
      () => {}, // still running when the Bridge closed
    )
  );
  const sent = new Array<number>(PAIRS).fill(0);
  let calls = 0;
  let replies = 0;
  let failures = 0;
  const killRounds = new Set<number>();
  while (killRounds.size < KILLS) killRounds.add(Math.floor(next() * ROUNDS));

  for (let round = 0; round < ROUNDS; round++) {
    const production = producers.map((producer, pair) =>
      t.bridge.call(producer, new Produce(consumers[pair], ITEMS), { timeout: 30_000 })
        .then((total) => sent[pair] = total as number)
    );
    const pinging = Array.from({ length: CALLS_PER_ROUND }, () => {
      const target: ActorRef<string> = next() < 0.7
        ? consumers[Math.floor(next() * PAIRS)]
        : producers[Math.floor(next() * PAIRS)];
      calls++;
      return t.bridge.call(target, "ping", { timeout: 10_000 }).then(
        (reply) => {
          assert.equal(reply, "ping", `a reply to a ping ${at}`);
          replies++;
        },
        (error) => {
          assert.ok(
            error instanceof ActorDeadError || error instanceof CallTimeoutError,
            `a call failed with ${error} ${at}`,
          );
          failures++;
        },
      );
    });
    if (killRounds.has(round)) {
      // Kill the Worker of a consumer that is still alive, in the middle of the traffic.
      const alive = consumers.map((_, pair) => pair).filter((pair) => !killed.has(pair));
      const victim = alive[Math.floor(next() * alive.length)];
      await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 4)));
      assert.ok(terminateWorkerOf(t.system, consumers[victim]), `kill ${at}`);
      // Every consumer that shared the victim's Worker died with it (see the watches above).
      await eventually(() => killed.has(victim), `the kill ${at}`);
    }
    await within(60_000, `round ${round} ${at}`, Promise.all([...production, ...pinging]));
  }
  assert.equal(replies + failures, calls, `every call settled ${at}`);

  // Survivors got everything, in order.
  for (let pair = 0; pair < PAIRS; pair++) {
    if (killed.has(pair)) continue;
    const stats: { received: number; disorder: number } = await t.bridge.call(
      consumers[pair],
      "stats",
      { timeout: 20_000 },
    );
    assert.equal(stats.disorder, 0, `pair ${pair} kept its order ${at}`);
    assert.equal(stats.received, sent[pair], `pair ${pair} got every item ${at}`);
  }

  // The counts add up, once the dead Workers' mailboxes are drained as dead letters.
  const deadLetters = () => {
    const perPair = new Array<number>(PAIRS).fill(0);
    for (const letter of t.deadLetters) {
      if (letter.message instanceof Item) perPair[letter.message.pair]++;
    }
    return perPair;
  };
  let lost: number[] = [];
  await eventually(async () => {
    const delivered = new Map<number, number>(
      await t.bridge.call(ledger, "counts", { timeout: 20_000 }),
    );
    const letters = deadLetters();
    lost = sent.map((total, pair) => total - (delivered.get(pair) ?? 0) - letters[pair]);
    return lost.every((n, pair) => n === 0 || (killed.has(pair) && n === 1));
  }, `delivered + dead letters + lost = sent, per pair ${at}: lost ${JSON.stringify(lost)}`);
  assert.ok(lost.reduce((a, b) => a + b, 0) <= KILLS, `at most one item lost per kill ${at}`);
  assert.ok(killed.size >= KILLS, `${KILLS} Workers were killed ${at}`);
});
