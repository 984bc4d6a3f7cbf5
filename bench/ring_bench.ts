/**
 * The ring layer against `postMessage` between the same two workers (the baseline) and, for
 * ping-pong, against a bare Atomics ping-pong with the same doorbells and spin policy (the
 * limit: no ring, no copy); and records of mixed sizes against records all of their mean size
 * (the baseline), in a pooled actor's default mailbox (1 KiB) and a dedicated actor's (64 KiB).
 * Every case of a group runs between the same two workers.
 *
 *   deno bench --allow-read --allow-env bench/ring_bench.ts
 *
 * Two threads spin while a case runs: on a 2-core machine, run it with nothing else busy.
 * Read the ratios deno bench prints per group, not the times.
 */
import { Arena, Doorbell, Mailbox } from "../src/ring/mod.ts";
import type { Setup } from "./_ring_bench_worker.ts";

const WORKER = new URL("./_ring_bench_worker.ts", import.meta.url);
const arena = Arena.create({ maxBytes: 1 << 28 });
const workers: Worker[] = [];
// Workers are terminated when the bench process unloads, after the last case.
globalThis.addEventListener(
  "unload",
  () => workers.forEach((worker) => worker.terminate()),
);

/** Two workers for one group; `run` has them play a named pair of roles `n` times. */
function pair(): {
  a: Worker;
  b: Worker;
  setup(a: Setup, b: Setup, transfer?: Transferable[][]): void;
  run(name: string, n: number): Promise<void>;
} {
  const a = new Worker(WORKER, { type: "module" });
  const b = new Worker(WORKER, { type: "module" });
  workers.push(a, b);
  let done: (() => void) | null = null;
  const onDone = (event: MessageEvent) => {
    if (event.data !== "done") {
      throw new Error(`bench worker said ${event.data}`);
    }
    done?.();
  };
  a.onmessage = onDone;
  b.onmessage = onDone;
  return {
    a,
    b,
    setup(setupA, setupB, transfer = [[], []]) {
      a.postMessage(setupA, transfer[0]);
      b.postMessage(setupB, transfer[1]);
    },
    run(name, n) {
      return new Promise<void>((resolve) => {
        done = resolve;
        a.postMessage({ kind: "run", name, n });
        b.postMessage({ kind: "run", name, n });
      });
    },
  };
}

/** Iterations per case: enough for stable medians, few enough to run in about a minute. */
const ITERATIONS = 100;
const WARMUP = 10;

const ONE_WAY_MESSAGES = 20_000;
for (const size of [16, 64, 1024]) {
  const group = `one-way ${size} B worker to worker`;
  const workers = pair();
  const inbox = Mailbox.create(arena, { capacity: 1 << 16 });
  workers.setup(
    {
      name: "ring",
      kind: "ring-send",
      buffer: arena.buffer,
      target: inbox.offset,
      size,
    },
    {
      name: "ring",
      kind: "ring-receive",
      buffer: arena.buffer,
      inbox: inbox.offset,
    },
  );
  const channel = new MessageChannel();
  workers.setup(
    { name: "port", kind: "port-send", port: channel.port1, size },
    { name: "port", kind: "port-receive", port: channel.port2 },
    [[channel.port1], [channel.port2]],
  );
  Deno.bench({
    name: `postMessage ${size} B Uint8Array (${ONE_WAY_MESSAGES} per iteration)`,
    group,
    n: ITERATIONS,
    warmup: WARMUP,
    baseline: true,
    async fn() {
      await workers.run("port", ONE_WAY_MESSAGES);
    },
  });
  Deno.bench({
    name: `ringmail mailbox ${size} B records (${ONE_WAY_MESSAGES} per iteration)`,
    group,
    n: ITERATIONS,
    warmup: WARMUP,
    async fn() {
      await workers.run("ring", ONE_WAY_MESSAGES);
    },
  });
}

const ROUND_TRIPS = 5_000;
{
  const group = "ping-pong worker to worker";
  const workers = pair();
  const channel = new MessageChannel();
  workers.setup(
    { name: "port", kind: "port-ping", port: channel.port1 },
    { name: "port", kind: "port-pong", port: channel.port2 },
    [[channel.port1], [channel.port2]],
  );
  const pingBox = Mailbox.create(arena, { capacity: 1 << 12 });
  const pongBox = Mailbox.create(arena, { capacity: 1 << 12 });
  workers.setup(
    {
      name: "ring",
      kind: "ring-ping",
      buffer: arena.buffer,
      inbox: pingBox.offset,
      target: pongBox.offset,
    },
    {
      name: "ring",
      kind: "ring-pong",
      buffer: arena.buffer,
      inbox: pongBox.offset,
      target: pingBox.offset,
    },
  );
  const words = arena.allocate(64);
  const pingBell = Doorbell.create(arena);
  const pongBell = Doorbell.create(arena);
  workers.setup(
    {
      name: "atomics",
      kind: "atomics-ping",
      buffer: arena.buffer,
      words,
      mine: pingBell.offset,
      theirs: pongBell.offset,
    },
    {
      name: "atomics",
      kind: "atomics-pong",
      buffer: arena.buffer,
      words,
      mine: pongBell.offset,
      theirs: pingBell.offset,
    },
  );
  Deno.bench({
    name: `postMessage over a MessageChannel (${ROUND_TRIPS} round trips per iteration)`,
    group,
    n: ITERATIONS,
    warmup: WARMUP,
    baseline: true,
    async fn() {
      await workers.run("port", ROUND_TRIPS);
    },
  });
  Deno.bench({
    name: `ringmail mailboxes, 8 B records (${ROUND_TRIPS} round trips per iteration)`,
    group,
    n: ITERATIONS,
    warmup: WARMUP,
    async fn() {
      await workers.run("ring", ROUND_TRIPS);
    },
  });
  Deno.bench({
    name:
      `limit: bare Atomics counter, same doorbells and spin (${ROUND_TRIPS} round trips per iteration)`,
    group,
    n: ITERATIONS,
    warmup: WARMUP,
    async fn() {
      await workers.run("atomics", ROUND_TRIPS);
    },
  });
}

/**
 * Mixed sizes: payloads of 0 to 900 bytes (a fixed pseudo-random sequence) against payloads all
 * of that sequence's mean size, so both cases move the same bytes. In a 1 KiB ring most records
 * take over a quarter of it and many do not fit its tail: padding, wrap-around and senders
 * waiting for room at the start of the ring are the common case. Mixed should stay within 2×
 * of fixed.
 */
const MIXED_MAX = 900;
const mixedSizes = (() => {
  let state = 0x2545f491;
  return Array.from({ length: 4096 }, () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state % (MIXED_MAX + 1);
  });
})();
const meanSize = Math.round(
  mixedSizes.reduce((sum, size) => sum + size, 0) / mixedSizes.length,
);
for (
  const [capacity, whose, messages] of [
    [1 << 10, "a pooled actor's default", 2_000],
    // Enough to wrap the ring a dozen times, so the steady state, not the start, is measured.
    [1 << 16, "a dedicated actor's default", 20_000],
  ] as const
) {
  const group = `mixed record sizes, ${capacity / 1024} KiB mailbox (${whose})`;
  const workers = pair();
  const cases = [
    { name: "fixed", sizes: [meanSize] },
    { name: "mixed", sizes: mixedSizes },
  ];
  for (const { name, sizes } of cases) {
    const inbox = Mailbox.create(arena, { capacity });
    workers.setup(
      {
        name,
        kind: "ring-send",
        buffer: arena.buffer,
        target: inbox.offset,
        size: MIXED_MAX,
        sizes,
      },
      { name, kind: "ring-receive", buffer: arena.buffer, inbox: inbox.offset },
    );
  }
  Deno.bench({
    name: `fixed: ${meanSize} B records, the mean (${messages} per iteration)`,
    group,
    n: ITERATIONS,
    warmup: WARMUP,
    baseline: true,
    async fn() {
      await workers.run("fixed", messages);
    },
  });
  Deno.bench({
    name: `mixed: 0-${MIXED_MAX} B records (${messages} per iteration)`,
    group,
    n: ITERATIONS,
    warmup: WARMUP,
    async fn() {
      await workers.run("mixed", messages);
    },
  });
}
