/**
 * The ringmail node of bench/remote_bench.ts, in a process of its own: joins the cluster at the
 * URL given, names a Tally "tally" and an Echo "echo" (both in one pool Worker), says "ready" on
 * stdout, and leaves when its stdin closes.
 */
import { ActorSystem } from "../mod.ts";
import { Echo, Ponger, Tally } from "./_remote_actors.ts";

if (import.meta.main) {
  const system = new ActorSystem({
    cluster: { servers: Deno.args[0], name: "bench" },
  });
  const pool = system.createPool({ workers: 1 });
  // A receiver of a flood gets a mailbox for one: 1 MiB.
  await system.register(
    "tally",
    pool.spawnWith(Tally, { mailboxCapacity: 1 << 20 }),
  );
  await system.register("echo", pool.spawn(Echo));
  // 64 partners for the actors' ping-pong across processes, in a pool of their own.
  const pongers = system.createPool({ workers: 1 });
  for (let i = 0; i < 64; i++) {
    await system.register(`ponger ${i}`, pongers.spawn(Ponger));
  }
  console.log("ready");
  for await (const _ of Deno.stdin.readable) {
    /* its end is the signal to go */
  }
  await system.shutdown();
}
