/**
 * What one actor in a Worker of its own costs (the default: the seed's one thread per actor),
 * against the smallest Deno Worker that answers a message (the baseline): the time from start to
 * the first reply and back to nothing (spawn, call, stop — against new Worker, postMessage,
 * terminate), and the memory each adds to the process (printed once, before the cases run).
 *
 * Three more cases measure where a first start's time goes:
 * - a fresh system's first dedicated actor (new system, spawn, call, shutdown), which the kept
 *   spare Worker does not help: the first-hour figure;
 * - the floor of any Worker that loads ringmail's runtime: a bare Worker that imports the runtime's
 *   modules (src/system/worker/worker_main.ts) and runs none of them but their top level;
 * - the same runtime bundled into one file by `deno bundle` (made in a temporary directory as the
 *   bench starts): what a single-file build of the runtime would save.
 *
 *   deno bench --allow-read --allow-env --allow-run --allow-write --v8-flags=--expose-gc \
 *     bench/worker_start_bench.ts
 *
 * Starting a Worker keeps both cores busy: run it with nothing else busy. Read the ratio.
 */
import { ActorSystem, Bridge } from "../mod.ts";
import { Echo, Ping } from "./_pingpong_actors.ts";

const BARE = new URL("./_bare_worker.js", import.meta.url);
const RUNTIME = new URL("../src/system/worker/worker_main.ts", import.meta.url);

/** A bare Worker that first loads `module` (see _import_worker.js). */
function importingWorker(module: URL): () => Worker {
  const url = new URL("./_import_worker.js", import.meta.url);
  url.searchParams.set("module", module.href);
  return () => new Worker(url, { type: "module" });
}

/** The runtime bundled into one file, in a temporary directory removed when the bench ends. */
async function bundleRuntime(): Promise<URL> {
  const dir = await Deno.makeTempDir({ prefix: "ringmail-bundle-" });
  globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
  const out = `${dir}/worker_main.js`;
  const { success, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform=deno", "-o", out, RUNTIME.pathname],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) {
    throw new Error(`deno bundle failed: ${new TextDecoder().decode(stderr)}`);
  }
  return new URL(`file://${out}`);
}

const runtimeAsFiles = importingWorker(RUNTIME);
const runtimeBundled = importingWorker(await bundleRuntime());
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

/** Starts a Worker, waits for its first answer, and terminates it. */
async function startAndEnd(start: () => Worker): Promise<void> {
  const worker = start();
  await bareRoundTrip(worker);
  worker.terminate();
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
    await startAndEnd(bareWorker);
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

Deno.bench({
  name: "a fresh system's first dedicated actor: new system, spawn, one call, shutdown",
  group: "start",
  async fn() {
    await using fresh = new ActorSystem();
    using freshBridge = new Bridge(fresh);
    const actor = fresh.spawn(Echo);
    await freshBridge.call(actor, new Ping(1), { timeout: 30_000 });
  },
});

Deno.bench({
  name: "floor: a bare Worker that loads the runtime's modules, running none",
  group: "start",
  async fn() {
    await startAndEnd(runtimeAsFiles);
  },
});

Deno.bench({
  name: "floor: a bare Worker that loads the runtime bundled into one file",
  group: "start",
  async fn() {
    await startAndEnd(runtimeBundled);
  },
});
