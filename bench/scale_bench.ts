/**
 * Many actors on two Workers: (a) spawn 100,000 actors into a 2-worker pool and get one reply
 * from each, three times (actors per second of each round and their median, and memory per
 * idle actor, are printed); (b) ping-pong between
 * two actors on one Worker, and on two Workers, against postMessage between two Workers (the
 * baseline); (c) fan-in: 1,000 actors sending to one, against postMessage from two Workers to
 * one. Ping-pong on one Worker runs once more while the main thread calls `inspect()` every
 * 100 ms: what looking costs.
 *
 *   deno bench --allow-read --allow-env --v8-flags=--expose-gc bench/scale_bench.ts
 *
 * Two Workers (and the main thread) share the 2 cores: run it with nothing else busy.
 */
import process from "node:process";
import { ActorSystem, Bridge } from "../mod.ts";
import { Pinger, Ponger, Rally } from "./_pingpong_actors.ts";
import { Answer, Burst, Expect, Meter, Sink, Source } from "./_scale_actors.ts";
import type { Setup } from "./_ring_bench_worker.ts";

const SPAWNED = 100_000;
const WARM_UP = 10_000;
const ROUNDS = 3;
const BATCH = 2_000;
const ROUND_TRIPS = 20_000;
const FAN_IN_SOURCES = 1_000;
const FAN_IN_EACH = 100;

const system = new ActorSystem({ maxActors: 5 * SPAWNED });
const bridge = new Bridge(system);
const workers: Worker[] = [];
globalThis.addEventListener("unload", () => {
  workers.forEach((worker) => worker.terminate());
  bridge.close();
  system.shutdown();
});

const gc = (globalThis as { gc?: () => void }).gc;

/** Spawns `count` actors into `pool`, in batches, and waits for one reply from each. */
async function spawnAndAnswer(
  pool: ReturnType<typeof system.createPool>,
  count = SPAWNED,
) {
  const refs = [];
  for (let done = 0; done < count; done += BATCH) {
    const batch = Array.from({ length: BATCH }, () => pool.spawn(Answer));
    for await (
      const { error } of bridge.multiCall(
        batch.map((ref, i) => [ref as never, i] as const),
        {
          timeout: 60_000,
        },
      )
    ) {
      if (error) throw error;
    }
    refs.push(...batch);
  }
  return refs;
}

// (a) Spawn 100,000 actors and get a reply from each.
{
  const pool = system.createPool({ workers: 2 });
  // One meter per worker reports its JS heap (after a GC, with --expose-gc).
  const meters = [pool.spawn(Meter), pool.spawn(Meter)];
  const heaps = async () => {
    gc?.();
    let total = process.memoryUsage().heapUsed;
    for (const meter of meters) {
      total += await bridge.call(meter, "heap", { timeout: 10_000 }) as number;
    }
    return total;
  };
  // Warm up: the first thousands of spawns also compile the spawn path in three isolates
  // (~0.3 s on this machine); the figure is for a running system. These actors stay up, so the
  // measured ones all get fresh mailboxes, not recycled ones.
  const warm = await spawnAndAnswer(pool, WARM_UP);
  const heapBefore = await heaps();
  const rssBefore = process.memoryUsage().rss;
  // Three rounds of fresh actors (all stay up, so none reuses a mailbox): one round takes about
  // a second, and this machine's speed drifts by ±20 % from one second to the next.
  const rates: number[] = [];
  const refs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    refs.push(...await spawnAndAnswer(pool));
    rates.push(SPAWNED / ((performance.now() - started) / 1000));
    if (round === 0) {
      await new Promise((resolve) => setTimeout(resolve, 500)); // let the workers' heaps settle
      const heapPerActor = (await heaps() - heapBefore) / SPAWNED;
      const rssPerActor = (process.memoryUsage().rss - rssBefore) / SPAWNED;
      const mailbox = pool.mailboxCapacity + 128;
      console.log(
        `(a) memory per idle actor: ${heapPerActor.toFixed(0)} bytes of JS heap (all threads, ` +
          `after GC${gc ? "" : " — run with --expose-gc, this is rough"}) plus its ${mailbox}-` +
          `byte mailbox in shared memory; process RSS grew ${rssPerActor.toFixed(0)} bytes per ` +
          `actor (heap pages V8 keeps, allocator slack).`,
      );
    }
  }
  const median = [...rates].sort((x, y) => x - y)[Math.floor(ROUNDS / 2)];
  console.log(
    `(a) ${SPAWNED} actors spawned into a 2-worker pool and answered, ${ROUNDS} rounds (after ` +
      `${WARM_UP} to warm up): ${rates.map((rate) => rate.toFixed(0)).join(", ")} actors/s; ` +
      `median ${median.toFixed(0)}.`,
  );
  await bridge.stop([...warm, ...refs], 60_000);
  // Collect what the actors left behind now, in every thread, not during the next timings.
  await heaps();
  Deno.bench({
    name: `ringmail: spawn ${BATCH} actors into the pool and get a reply from each`,
    group: "spawn and answer",
    n: 20,
    warmup: 2,
    async fn() {
      const batch = Array.from({ length: BATCH }, () => pool.spawn(Answer));
      for await (
        const _ of bridge.multiCall(
          batch.map((ref, i) => [ref as never, i] as const),
          {
            timeout: 60_000,
          },
        )
      );
      await bridge.stop(batch, 60_000);
    },
  });
}

/** Two plain workers playing postMessage roles (see bench/_ring_bench_worker.ts). */
function postMessagePair(kinds: [Setup["kind"], Setup["kind"]]) {
  const module = new URL("./_ring_bench_worker.ts", import.meta.url);
  const [a, b] = [
    new Worker(module, { type: "module" }),
    new Worker(module, { type: "module" }),
  ];
  workers.push(a, b);
  let done: (() => void) | null = null;
  a.onmessage = b.onmessage = () => done?.();
  const channel = new MessageChannel();
  a.postMessage(
    { name: "port", kind: kinds[0], port: channel.port1, size: 8 },
    [channel.port1],
  );
  b.postMessage({ name: "port", kind: kinds[1], port: channel.port2 }, [
    channel.port2,
  ]);
  return (n: number) =>
    new Promise<void>((resolve) => {
      done = resolve;
      a.postMessage({ kind: "run", name: "port", n });
      b.postMessage({ kind: "run", name: "port", n });
    });
}

// (b) Ping-pong: same worker, two workers, postMessage.
{
  const pool = system.createPool({ workers: 2 });
  const pinger = pool.spawn(Pinger);
  const near = pool.spawnWith(Ponger, { near: pinger });
  const far = pool.spawn(Ponger); // round-robin: the other worker
  await Promise.all([pinger, near, far].map((ref) => system.started(ref)));
  const postMessage = postMessagePair(["port-ping", "port-pong"]);
  const group = "ping-pong: two actors on one worker, on two workers, postMessage";
  Deno.bench({
    name: `postMessage between two workers (${ROUND_TRIPS / 10} round trips per iteration)`,
    group,
    baseline: true,
    n: 20,
    warmup: 2,
    async fn() {
      // A tenth of the round trips, timed 10x: postMessage is slow enough to measure this way.
      for (let i = 0; i < 10; i++) await postMessage(ROUND_TRIPS / 10);
    },
  });
  for (
    const [where, ponger] of [["on one worker", near], [
      "on two workers",
      far,
    ]] as const
  ) {
    Deno.bench({
      name: `ringmail actors ${where} (${ROUND_TRIPS} round trips per iteration)`,
      group,
      n: 100,
      warmup: 10,
      async fn() {
        await bridge.call(pinger, new Rally(ponger, ROUND_TRIPS), {
          timeout: 60_000,
        });
      },
    });
  } // What looking costs: the same rally on one worker while the main thread takes a snapshot of
  // the whole system every 100 ms (the live view takes one every 500 ms).
  Deno.bench({
    name: `ringmail actors on one worker, inspect() every 100 ms (${ROUND_TRIPS} round trips)`,
    group,
    n: 100,
    warmup: 10,
    async fn() {
      const looking = setInterval(() => system.inspect(), 100);
      try {
        await bridge.call(pinger, new Rally(near, ROUND_TRIPS), { timeout: 60_000 });
      } finally {
        clearInterval(looking);
      }
    },
  });
}

// (c) Fan-in: 1,000 actors send to one.
{
  const pool = system.createPool({ workers: 2 });
  const sink = pool.spawn(Sink);
  const sources = Array.from(
    { length: FAN_IN_SOURCES },
    () => pool.spawn(Source),
  );
  await Promise.all([sink, ...sources].map((ref) => system.started(ref)));
  const total = FAN_IN_SOURCES * FAN_IN_EACH;
  const postMessage = postMessagePair(["port-send", "port-receive"]);
  const group = `fan-in: ${total} messages into one receiver`;
  Deno.bench({
    name: `postMessage from one worker into another (${total} messages)`,
    group,
    baseline: true,
    n: 10,
    warmup: 1,
    async fn() {
      await postMessage(total);
    },
  });
  Deno.bench({
    name:
      `ringmail: ${FAN_IN_SOURCES} actors on 2 workers, ${FAN_IN_EACH} messages each, into one actor`,
    group,
    n: 30,
    warmup: 3,
    async fn() {
      const done = bridge.call(sink, new Expect(total), { timeout: 60_000 });
      for (const source of sources) source.send(new Burst(sink, FAN_IN_EACH));
      await done;
    },
  });
}
