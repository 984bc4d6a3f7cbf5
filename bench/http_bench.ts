/**
 * A real program: a `Deno.serve` handler on 127.0.0.1 whose work (a small JSON answer) is done
 * (a) inline, in the handler — the baseline; (b) by a plain Worker over `postMessage`, with
 * request ids; (c) by a ringmail actor, through `bridge.call`, in a Worker of its own and in a
 * pool's Worker (which spins less before it parks). A load generator in a second
 * process (bench/_http_load.ts) sends REQUESTS requests per iteration over keep-alive
 * connections, CONCURRENCY in flight. The ratios say what the hop to another thread costs a
 * request; the p50 and p99 latencies of each case are printed at the end.
 *
 *   deno bench --allow-read --allow-env --allow-run --allow-net=127.0.0.1 bench/http_bench.ts
 *
 * The server's thread, the Worker and the load generator share the 2 cores of this machine: run
 * it with nothing else busy. Loopback only; each iteration is bounded in count.
 */
import { ActorSystem, Bridge } from "../mod.ts";
import { Handler, Work } from "./_http_actors.ts";
import { work } from "./_http_work.ts";

const REQUESTS = 2_000;
const CONCURRENCY = 32;
const LOAD_TIMEOUT_MS = 60_000;

type Mode = "inline" | "postMessage" | "actor" | "pooled";
let mode: Mode = "inline";

// (b) A plain Worker, answered by request id.
const plain = new Worker(new URL("./_http_worker.ts", import.meta.url), { type: "module" });
const waiting = new Map<number, (body: string) => void>();
let nextId = 0;
plain.onmessage = (event: MessageEvent<{ id: number; body: string }>) => {
  const resolve = waiting.get(event.data.id)!;
  waiting.delete(event.data.id);
  resolve(event.data.body);
};
const viaPostMessage = (n: number) =>
  new Promise<string>((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    plain.postMessage({ id, n });
  });

// (c) An actor of its own.
const system = new ActorSystem();
const bridge = new Bridge(system);
const handler = system.spawn(Handler);
// The same actor in a pool's Worker, which spins less before it parks (a pool takes every core).
const pooled = system.createPool({ workers: 1 }).spawn(Handler);
await Promise.all([handler, pooled].map((ref) => system.started(ref)));

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
  const n = Number(new URL(request.url).searchParams.get("n") ?? 0);
  const body = mode === "inline"
    ? work(n)
    : mode === "postMessage"
    ? await viaPostMessage(n)
    : await bridge.call(mode === "actor" ? handler : pooled, new Work(n), { timeout: 10_000 });
  return new Response(body, { headers: { "content-type": "application/json" } });
});
const url = `http://127.0.0.1:${server.addr.port}/`;

// The load generator, a second process, driven one command per iteration.
const generator = new Deno.Command(Deno.execPath(), {
  args: ["run", "--allow-net=127.0.0.1", new URL("./_http_load.ts", import.meta.url).pathname],
  stdin: "piped",
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const commands = generator.stdin.getWriter();
const results = generator.stdout.pipeThrough(new TextDecoderStream()).getReader();
let buffered = "";

interface LoadResult {
  seconds: number;
  p50: number;
  p99: number;
  failed: number;
}

async function runLoad(): Promise<LoadResult> {
  await commands.write(new TextEncoder().encode(`${url} ${REQUESTS} ${CONCURRENCY}\n`));
  const deadline = Date.now() + LOAD_TIMEOUT_MS;
  while (!buffered.includes("\n")) {
    if (Date.now() > deadline) {
      throw new Error(`no answer from the load generator in ${LOAD_TIMEOUT_MS} ms`);
    }
    const { value, done } = await results.read();
    if (done) throw new Error("the load generator ended");
    buffered += value;
  }
  const end = buffered.indexOf("\n");
  const result = JSON.parse(buffered.slice(0, end)) as LoadResult;
  buffered = buffered.slice(end + 1);
  if (result.failed > 0) throw new Error(`${result.failed} requests failed`);
  return result;
}

const latencies = new Map<Mode, LoadResult[]>();
globalThis.addEventListener("unload", () => {
  for (const [which, runs] of latencies) {
    const median = (pick: (r: LoadResult) => number) =>
      runs.map(pick).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    console.log(
      `${which}: ${(REQUESTS / median((r) => r.seconds)).toFixed(0)} requests/s, ` +
        `p50 ${median((r) => r.p50).toFixed(2)} ms, p99 ${median((r) => r.p99).toFixed(2)} ms ` +
        `(medians of ${runs.length} iterations)`,
    );
  }
  commands.close().catch(() => {});
  generator.kill("SIGTERM");
  plain.terminate();
  bridge.close();
  server.shutdown();
  system.shutdown();
});

const group = `HTTP: ${REQUESTS} requests, ${CONCURRENCY} in flight, from another process`;
for (
  const [which, name, baseline] of [
    ["inline", "the handler does the work inline", true],
    ["postMessage", "the handler asks a plain Worker over postMessage", false],
    ["actor", "the handler calls a ringmail actor (bridge.call)", false],
    ["pooled", "the handler calls a ringmail actor in a pool's Worker", false],
  ] as const
) {
  Deno.bench({
    name: `${name} (${REQUESTS} requests per iteration)`,
    group,
    baseline,
    n: 20,
    warmup: 3,
    async fn() {
      mode = which;
      const result = await runLoad();
      const runs = latencies.get(which) ?? [];
      runs.push(result);
      latencies.set(which, runs);
    },
  });
}
