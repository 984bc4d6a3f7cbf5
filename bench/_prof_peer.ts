/**
 * What the remote profiling drivers (bench/_prof_oneway.ts, bench/_prof_pairs.ts) share: the
 * peer process they talk to, started and stopped, and what the link saw, printed.
 */
import type { ActorSystem, Bridge } from "../mod.ts";

/**
 * Starts bench/_ringmail_peer.ts joined to the NATS server at `url`, profiled into `profileDir`
 * when one is given; resolves once it says it is ready. Closing its stdin ends it.
 */
export async function startPeer(
  url: string,
  profileDir?: string,
): Promise<Deno.ChildProcess> {
  const peer = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
      new URL("./_ringmail_peer.ts", import.meta.url).pathname,
      url,
    ],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const lines = peer.stdout.pipeThrough(new TextDecoderStream()).getReader();
  if (!(await lines.read()).value?.includes("ready")) {
    throw new Error("the peer did not start");
  }
  lines.releaseLock();
  return peer;
}

/** Prints, per link, how full its batches went, its credit stalls and its ping. */
export async function printLinks(system: ActorSystem): Promise<void> {
  for (const link of (await system.clusterStatus()).links) {
    console.log(
      `  link: ${(link.recordsSent / Math.max(1, link.batchesSent)).toFixed(1)} records a batch, ` +
        `${link.creditStalls} credit stalls (${link.creditStalledMs.toFixed(0)} ms), ` +
        `ping ${link.roundTripAverageMs.toFixed(2)} ms`,
    );
  }
}

/** Ends a driver's run: its Bridge and system, the peer (its stdin closed), then the server. */
export async function closeAll(
  bridge: Bridge,
  system: ActorSystem,
  peer: Deno.ChildProcess,
  server: { stop(): Promise<void> },
): Promise<void> {
  bridge.close();
  await system.shutdown();
  await peer.stdin.close();
  await peer.status;
  await server.stop();
}

/**
 * Runs `round` (which returns a rate) five times to warm up, then for `seconds`; prints the
 * median and the 10th percentile, divided by `scale` and followed by `unit`.
 */
export async function printRates(
  label: string,
  round: () => Promise<number>,
  seconds: number,
  scale: number,
  unit: string,
): Promise<void> {
  for (let i = 0; i < 5; i++) await round();
  const rates: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) rates.push(await round());
  rates.sort((a, b) => a - b);
  const digits = scale >= 1e6 ? 2 : 1;
  const at = (i: number) => (rates[i] / scale).toFixed(digits);
  console.log(
    `${label}: median ${at(rates.length >> 1)}${unit} ` +
      `(p10 ${at(Math.floor(rates.length / 10))}${unit}, ${rates.length} rounds)`,
  );
}
