/**
 * Actors end to end: two actors in two Workers exchanging registered Ping/Pong classes, against
 * postMessage over a MessageChannel between two Workers (the baseline) and a bare Atomics
 * ping-pong with the same doorbells and spin policy (the limit: no ring, no codec, no dispatch);
 * and a Bridge call from the main thread against a postMessage request/reply from the main
 * thread (the baseline), one at a time and 256 in flight (against postMessage with request ids);
 * and 10,000 calls fanned out at once to a pool of 2 Workers (against postMessage with request ids
 * round-robin to 2 Workers).
 *
 *   deno bench --allow-read --allow-env bench/pingpong_bench.ts
 *
 * Two threads spin while a case runs: on a 2-core machine, run it with nothing else busy.
 * Read the ratios deno bench prints per group, not the times.
 */
import { type ActorRef, ActorSystem, Bridge } from "../mod.ts";
import { Arena, Doorbell } from "../src/ring/mod.ts";
import { Echo, Ping, Pinger, Ponger, Rally } from "./_pingpong_actors.ts";
import type { Setup } from "./_ring_bench_worker.ts";

const ITERATIONS = 100;
const WARMUP = 10;
const ROUND_TRIPS = 5_000;
const CALLS = 1_000;

const RING_WORKER = new URL("./_ring_bench_worker.ts", import.meta.url);
const workers: Worker[] = [];
const system = new ActorSystem();
const bridge = new Bridge(system);
globalThis.addEventListener("unload", () => {
  workers.forEach((worker) => worker.terminate());
  bridge.close();
  system.shutdown();
});

/** Two plain workers playing the postMessage and bare-Atomics roles of bench/ring_bench.ts. */
function baselinePair() {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const a = new Worker(RING_WORKER, { type: "module" });
  const b = new Worker(RING_WORKER, { type: "module" });
  workers.push(a, b);
  let done: (() => void) | null = null;
  a.onmessage = b.onmessage = () => done?.();
  const setup = (
    setupA: Setup,
    setupB: Setup,
    transfer: Transferable[][] = [[], []],
  ) => {
    a.postMessage(setupA, transfer[0]);
    b.postMessage(setupB, transfer[1]);
  };
  const channel = new MessageChannel();
  setup(
    { name: "port", kind: "port-ping", port: channel.port1 },
    { name: "port", kind: "port-pong", port: channel.port2 },
    [[channel.port1], [channel.port2]],
  );
  const words = arena.allocate(64);
  const [bellA, bellB] = [Doorbell.create(arena), Doorbell.create(arena)];
  setup(
    {
      name: "atomics",
      kind: "atomics-ping",
      buffer: arena.buffer,
      words,
      mine: bellA.offset,
      theirs: bellB.offset,
    },
    {
      name: "atomics",
      kind: "atomics-pong",
      buffer: arena.buffer,
      words,
      mine: bellB.offset,
      theirs: bellA.offset,
    },
  );
  return (name: string, n: number) =>
    new Promise<void>((resolve) => {
      done = resolve;
      a.postMessage({ kind: "run", name, n });
      b.postMessage({ kind: "run", name, n });
    });
}

const baselines = baselinePair();
const pinger = system.spawn(Pinger);
const ponger = system.spawn(Ponger);
await Promise.all([system.started(pinger), system.started(ponger)]);

const group = "actor ping-pong, two actors in two workers";
Deno.bench({
  name: `postMessage over a MessageChannel (${ROUND_TRIPS} round trips per iteration)`,
  group,
  baseline: true,
  n: ITERATIONS,
  warmup: WARMUP,
  async fn() {
    await baselines("port", ROUND_TRIPS);
  },
});
Deno.bench({
  name: `ringmail actors, Ping/Pong classes (${ROUND_TRIPS} round trips per iteration)`,
  group,
  n: ITERATIONS,
  warmup: WARMUP,
  async fn() {
    await bridge.call(pinger, new Rally(ponger, ROUND_TRIPS), {
      timeout: 60_000,
    });
  },
});
Deno.bench({
  name:
    `limit: bare Atomics counter, same doorbells and spin (${ROUND_TRIPS} round trips per iteration)`,
  group,
  n: ITERATIONS,
  warmup: WARMUP,
  async fn() {
    await baselines("atomics", ROUND_TRIPS);
  },
});

// ---- Bridge calls from the main thread -------------------------------------------------------

const echo = system.spawn(Echo);
await system.started(echo);
const echoWorker = new Worker(
  new URL(
    "data:text/javascript,self.onmessage = (e) => self.postMessage(e.data);",
  ),
  { type: "module" },
);
workers.push(echoWorker);
let replied: (() => void) | null = null;
echoWorker.onmessage = () => replied?.();
const postRequest = (count: number) =>
  new Promise<void>((resolve) => {
    replied = resolve;
    echoWorker.postMessage({ count });
  });

const callGroup = "call from the main thread and wait for the reply";
Deno.bench({
  name: `postMessage request/reply to a worker (${CALLS} calls per iteration)`,
  group: callGroup,
  baseline: true,
  n: ITERATIONS / 2,
  warmup: WARMUP,
  async fn() {
    for (let i = 0; i < CALLS; i++) await postRequest(i);
  },
});
Deno.bench({
  name: `ringmail Bridge.call to an actor (${CALLS} calls per iteration)`,
  group: callGroup,
  n: ITERATIONS / 2,
  warmup: WARMUP,
  async fn() {
    for (let i = 0; i < CALLS; i++) {
      await bridge.call(echo, new Ping(i), { timeout: 10_000 });
    }
  },
});

// ---- Many calls in flight from the main thread --------------------------------------------------

const IN_FLIGHT = 256;
const idWorker = new Worker(
  new URL(
    "data:text/javascript,self.onmessage = (e) => self.postMessage(e.data);",
  ),
  { type: "module" },
);
workers.push(idWorker);
/** Raw postMessage done well: request ids, one resolver each, all in flight at once. */
const waiting = new Map<number, () => void>();
let nextId = 0;
idWorker.onmessage = (event) => {
  const resolve = waiting.get(event.data.id)!;
  waiting.delete(event.data.id);
  resolve();
};
const requestWithId = (value: number) =>
  new Promise<void>((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    idWorker.postMessage({ id, value });
  });

const inFlightGroup = `${IN_FLIGHT} calls in flight from the main thread to one worker`;
Deno.bench({
  name: `postMessage with request ids, 4 rounds of ${IN_FLIGHT} in flight (${
    4 * IN_FLIGHT
  } calls per iteration)`,
  group: inFlightGroup,
  baseline: true,
  n: ITERATIONS,
  warmup: WARMUP,
  async fn() {
    for (let round = 0; round < 4; round++) {
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, (_, i) => requestWithId(i)),
      );
    }
  },
});
Deno.bench({
  name: `ringmail Bridge.call, Promise.all, 4 rounds of ${IN_FLIGHT} in flight (${
    4 * IN_FLIGHT
  } calls per iteration)`,
  group: inFlightGroup,
  n: ITERATIONS,
  warmup: WARMUP,
  async fn() {
    for (let round = 0; round < 4; round++) {
      await Promise.all(
        Array.from(
          { length: IN_FLIGHT },
          (_, i) => bridge.call(echo, new Ping(i), { timeout: 10_000 }),
        ),
      );
    }
  },
});
Deno.bench({
  name: `ringmail Bridge.multiCall, 4 rounds of ${IN_FLIGHT} in flight (${
    4 * IN_FLIGHT
  } calls per iteration)`,
  group: inFlightGroup,
  n: ITERATIONS,
  warmup: WARMUP,
  async fn() {
    for (let round = 0; round < 4; round++) {
      const requests = Array.from(
        { length: IN_FLIGHT },
        (_, i) => [echo, new Ping(i)] as const,
      );
      for await (const _ of bridge.multiCall(requests, { timeout: 10_000 }));
    }
  },
});

// ---- Fan-out to a pool from the main thread -----------------------------------------------------

const FAN_OUT = 10_000;
const pool = system.createPool({ workers: 2 });
/** One Echo on each of the pool's two Workers (spawn places round-robin). */
const pooled = [pool.spawn(Echo), pool.spawn(Echo)];
/** The same with 64 KiB mailboxes instead of a pool's 1 KiB: the requests wait in no backlog. */
const roomy = [0, 1].map(() => pool.spawnWith(Echo, { mailboxCapacity: 1 << 16 }));
await Promise.all([...pooled, ...roomy].map((ref) => system.started(ref)));
const plainWorkers = [0, 1].map(() =>
  new Worker(
    new URL(
      "data:text/javascript,self.onmessage = (e) => self.postMessage(e.data);",
    ),
    { type: "module" },
  )
);
workers.push(...plainWorkers);
/** Raw postMessage round-robin over two Workers, request ids, every request in flight at once. */
const fanOutWaiting = new Map<number, () => void>();
let fanOutId = 0;
for (const worker of plainWorkers) {
  worker.onmessage = (event) => {
    const resolve = fanOutWaiting.get(event.data.id)!;
    fanOutWaiting.delete(event.data.id);
    resolve();
  };
}
const fanOutRequest = (value: number) =>
  new Promise<void>((resolve) => {
    const id = fanOutId++;
    fanOutWaiting.set(id, resolve);
    plainWorkers[id & 1].postMessage({ id, value });
  });

const fanOutGroup = `${FAN_OUT} requests fanned out from the main thread to a pool of 2 workers`;
Deno.bench({
  name:
    `postMessage with request ids, fanned out round-robin to 2 workers (${FAN_OUT} calls per iteration)`,
  group: fanOutGroup,
  baseline: true,
  n: ITERATIONS / 4,
  warmup: WARMUP / 2,
  async fn() {
    await Promise.all(
      Array.from({ length: FAN_OUT }, (_, i) => fanOutRequest(i)),
    );
  },
});
/**
 * FAN_OUT requests by one multiCall, to the two actors in turn. Called from an `async fn`:
 * deno bench awaits an async function's result, not a promise that a plain one returns.
 */
async function fanOutTo(actors: readonly ActorRef<Ping>[]): Promise<void> {
  const requests = Array.from(
    { length: FAN_OUT },
    (_, i) => [actors[i & 1], new Ping(i)] as const,
  );
  for await (const { error } of bridge.multiCall(requests, { timeout: 10_000 })) {
    if (error) throw error;
  }
}

Deno.bench({
  name:
    `ringmail Bridge.multiCall, fanned out to a pool of 2 workers (${FAN_OUT} calls per iteration)`,
  group: fanOutGroup,
  n: ITERATIONS / 4,
  warmup: WARMUP / 2,
  async fn() {
    await fanOutTo(pooled);
  },
});
Deno.bench({
  name:
    `ringmail Bridge.multiCall, fanned out to a pool of 2 workers, 64 KiB mailboxes (${FAN_OUT} calls per iteration)`,
  group: fanOutGroup,
  n: ITERATIONS / 4,
  warmup: WARMUP / 2,
  async fn() {
    await fanOutTo(roomy);
  },
});
