/**
 * A profiling driver (not a bench), Linux only: 4 × 256 Bridge calls in flight to an actor of its
 * own Worker, as in the in-flight group of pingpong_bench.ts, with what the kernel's scheduler
 * did to the two threads. Every 10 rounds it prints the ms a round took and, per round, the CPU
 * time each thread ran, the time each waited runnable for a CPU (`/proc/<pid>/task/<tid>/schedstat`),
 * the CPU each was last on, and the CPU time of the process's other threads (V8's compilers and
 * GC helpers, Deno's I/O threads).
 *
 *   deno run -A bench/_prof_sched.ts 400
 *
 * What it showed on 2 cores (see the closing notes of issue 15): rounds come in two modes. Slow
 * rounds have both threads on one CPU ("cpus 1/1"), each waiting runnable about as long as the
 * other runs, the two run times adding up to the round's time: the calls are served by one core.
 * Fast rounds have them on two CPUs, neither waiting. The first ~40 rounds are slow while V8
 * compiles the call path on its own threads, which take ~4–5 ms of CPU a round then.
 */
import { ActorSystem, Bridge } from "../mod.ts";
import { Echo, Ping } from "./_pingpong_actors.ts";

if (Deno.build.os !== "linux") {
  throw new Error("_prof_sched.ts reads /proc: Linux only");
}
const rounds = Number(Deno.args[0] ?? 400);
if (!Number.isInteger(rounds) || rounds < 10) {
  throw new RangeError(
    `rounds must be an integer of at least 10, got ${Deno.args[0]}`,
  );
}
const IN_FLIGHT = 256;
const OPTIONS = { timeout: 10_000 };

const system = new ActorSystem();
const bridge = new Bridge(system);
const echo = system.spawn(Echo);
await system.started(echo);

const task = (tid: string, file: string) =>
  Deno.readTextFileSync(`/proc/${Deno.pid}/task/${tid}/${file}`);
const threads = () => [...Deno.readDirSync(`/proc/${Deno.pid}/task`)].map((entry) => entry.name);
/** The echo's Worker: the only Worker the system has started so far. */
const worker = threads().find((tid) => task(tid, "comm").trim() === "worker-1");
if (worker === undefined) {
  throw new Error("no thread named worker-1 in this process");
}
const main = String(Deno.pid);

/** [ns run on a CPU, ns waited runnable] of one thread. */
function schedstat(tid: string): [number, number] {
  const [run, wait] = task(tid, "schedstat").split(" ").map(Number);
  return [run, wait];
}
/** The CPU a thread last ran on (field 39 of its stat). */
function lastCpu(tid: string): string {
  const stat = task(tid, "stat");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[36];
}
/** ns run by every thread of the process. */
function processRun(): number {
  let run = 0;
  for (const tid of threads()) {
    try {
      run += schedstat(tid)[0];
    } catch {
      // The thread ended between the listing and the read: its time is in neither reading.
    }
  }
  return run;
}

const BLOCK = 10;
const perRound = (ns: number) => (ns / 1e6 / BLOCK).toFixed(2);
let mainBefore = schedstat(main);
let workerBefore = schedstat(worker);
let allBefore = processRun();
let blockStart = performance.now();
for (let round = 1; round <= rounds; round++) {
  for (let i = 0; i < 4; i++) {
    await Promise.all(
      Array.from(
        { length: IN_FLIGHT },
        (_, j) => bridge.call(echo, new Ping(j), OPTIONS),
      ),
    );
  }
  if (round % BLOCK !== 0) continue;
  const elapsed = performance.now() - blockStart;
  const [mainAfter, workerAfter, allAfter] = [
    schedstat(main),
    schedstat(worker),
    processRun(),
  ];
  const mainRun = mainAfter[0] - mainBefore[0];
  const workerRun = workerAfter[0] - workerBefore[0];
  console.log(
    `rounds ${round - BLOCK + 1}–${round}: ${(elapsed / BLOCK).toFixed(2)} ms a round | ` +
      `main ran ${perRound(mainRun)}, waited ${perRound(mainAfter[1] - mainBefore[1])} | ` +
      `worker ran ${perRound(workerRun)}, waited ${perRound(workerAfter[1] - workerBefore[1])} | ` +
      `cpus ${lastCpu(main)}/${lastCpu(worker)} | ` +
      `other threads ran ${perRound(allAfter - allBefore - mainRun - workerRun)}`,
  );
  [mainBefore, workerBefore, allBefore] = [mainAfter, workerAfter, allAfter];
  blockStart = performance.now();
}
bridge.close();
await system.shutdown();
