/**
 * Messages per second against message size, one-way between two Workers: a ringmail actor sending
 * registered messages carrying 16 B to 64 KiB of bytes to an actor of another Worker, against
 * postMessage of a Uint8Array of the same size between two Workers (the baseline). One group per
 * size; `deno task bench:charts` draws them as a line chart (docs/bench/).
 *
 *   deno bench --allow-read --allow-env bench/size_bench.ts
 *
 * Case names are read by bench/chart.ts: keep them "<series> <size> (<n> messages per iteration)".
 * Two threads spin while a case runs: on a 2-core machine, run it with nothing else busy.
 */
import { ActorSystem, Bridge } from "../mod.ts";
import { ChunkSink, ChunkSource, ExpectChunks, SendChunks } from "./_size_actors.ts";
import { formatBytes } from "./chart/units.ts";

const SIZES = [16, 64, 256, 1024, 4096, 16384, 65536];
const ITERATIONS = 20;
const WARMUP = 3;

/** About 4 MiB per iteration, between 200 and 5,000 messages: a few ms per iteration each. */
function messagesFor(size: number): number {
  return Math.min(5_000, Math.max(200, Math.floor((4 << 20) / size)));
}

const system = new ActorSystem();
const bridge = new Bridge(system);
const workers: Worker[] = [];
globalThis.addEventListener("unload", () => {
  workers.forEach((worker) => worker.terminate());
  bridge.close();
  system.shutdown();
});

// Two dedicated actors: one Worker each.
const sink = system.spawn(ChunkSink);
const source = system.spawn(ChunkSource);
await Promise.all([system.started(sink), system.started(source)]);

// Two plain Workers with one postMessage channel per size (see bench/_ring_bench_worker.ts).
const module = new URL("./_ring_bench_worker.ts", import.meta.url);
const [a, b] = [new Worker(module, { type: "module" }), new Worker(module, { type: "module" })];
workers.push(a, b);
let done: (() => void) | null = null;
a.onmessage = b.onmessage = () => done?.();
for (const size of SIZES) {
  const channel = new MessageChannel();
  const name = `port-${size}`;
  a.postMessage({ name, kind: "port-send", port: channel.port1, size }, [channel.port1]);
  b.postMessage({ name, kind: "port-receive", port: channel.port2 }, [channel.port2]);
}
const postMessages = (size: number, n: number) =>
  new Promise<void>((resolve) => {
    done = resolve;
    a.postMessage({ kind: "run", name: `port-${size}`, n });
    b.postMessage({ kind: "run", name: `port-${size}`, n });
  });

for (const size of SIZES) {
  const count = messagesFor(size);
  const label = formatBytes(size);
  const group = `one-way ${label} messages, worker to worker`;
  Deno.bench({
    name: `postMessage ${label} (${count} messages per iteration)`,
    group,
    baseline: true,
    n: ITERATIONS,
    warmup: WARMUP,
    async fn() {
      await postMessages(size, count);
    },
  });
  Deno.bench({
    name: `ringmail ${label} (${count} messages per iteration)`,
    group,
    n: ITERATIONS,
    warmup: WARMUP,
    async fn() {
      const received = bridge.call(sink, new ExpectChunks(count), { timeout: 60_000 });
      source.send(new SendChunks(sink, count, size));
      await received;
    },
  });
}
