/**
 * What one actor in a Worker of its own costs (the default: the seed's one thread per actor),
 * against the smallest Deno Worker that answers a message (the baseline): the time from start to
 * the first reply and back to nothing (spawn, call, stop — against new Worker, postMessage,
 * terminate), and the memory each adds to the process (printed once, before the cases run).
 *
 *   deno bench --allow-read --allow-env --v8-flags=--expose-gc bench/worker_start_bench.ts
 *
 * Starting a Worker keeps both cores busy: run it with nothing else busy. Read the ratio.
 */
import { ActorSystem, Bridge } from "../mod.ts";
import { Echo, Ping } from "./_pingpong_actors.ts";

const BARE = new URL("./_bare_worker.js", import.meta.url);
const MEMORY_SAMPLE = 16;

const system = new ActorSystem();
const bridge = new Bridge(system);
globalThis.addEventListener("unload", () => {
  bridge.close();
  system.shutdown();
});

function bareWorker(): Worker {
  return new Worker(BARE, { type: "module" });
}

function bareRoundTrip(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    worker.onmessage = () => resolve();
    worker.postMessage(1);
  });
}

/** Resident memory after a full garbage collection, in bytes. */
function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Deno.memoryUsage().rss;
}

/** Bytes of resident memory each of `n` live Workers adds, once each has answered once. */
async function memoryPerWorker(): Promise<{ bare: number; actor: number }> {
  const before = rss();
  const bare = Array.from({ length: MEMORY_SAMPLE }, bareWorker);
  await Promise.all(bare.map(bareRoundTrip));
  const withBare = rss();
  bare.forEach((worker) => worker.terminate());
  const afterBare = rss();
  const actors = Array.from(
    { length: MEMORY_SAMPLE },
    () => system.spawn(Echo),
  );
  await Promise.all(
    actors.map((actor) => bridge.call(actor, new Ping(1), { timeout: 30_000 })),
  );
  const withActors = rss();
  await bridge.stop(actors, { timeout: 30_000 });
  return {
    bare: (withBare - before) / MEMORY_SAMPLE,
    actor: (withActors - afterBare) / MEMORY_SAMPLE,
  };
}

const memory = await memoryPerWorker();
const mib = (bytes: number) => `${(bytes / (1 << 20)).toFixed(1)} MiB`;
console.log(
  `memory per Worker (${MEMORY_SAMPLE} live, RSS): bare ${mib(memory.bare)}, ` +
    `dedicated actor ${mib(memory.actor)} (${(memory.actor / memory.bare).toFixed(2)}x)`,
);

Deno.bench({
  name: "bare Worker: start, one round trip, terminate",
  group: "start",
  baseline: true,
  async fn() {
    const worker = bareWorker();
    await bareRoundTrip(worker);
    worker.terminate();
  },
});

Deno.bench({
  name: "dedicated actor: spawn, one call, stop",
  group: "start",
  async fn() {
    const actor = system.spawn(Echo);
    await bridge.call(actor, new Ping(1), { timeout: 30_000 });
    await bridge.stop([actor], { timeout: 30_000 });
  },
});
