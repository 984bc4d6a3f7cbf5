/**
 * Run as a process of its own by bridge_close_test.ts (a Bridge that never stops reading keeps
 * the event loop from turning: only a kill ends it). A dead-letter listener closes the Bridge
 * while a multiCall sends its calls, the first of them to a stopped actor; with "pump-running",
 * an earlier call keeps the Bridge's reader waiting already. Prints one line per result
 * (`<index>: <error name>`), then "done".
 */
import { ActorSystem, Bridge } from "../../mod.ts";
import { Echo } from "../_actors/basic.ts";
import { Stubborn } from "../_actors/supervision.ts";

if (import.meta.main) {
  let closeOnDeadLetter: Bridge | null = null;
  const system = new ActorSystem({
    onDeadLetter: () => {
      const bridge = closeOnDeadLetter;
      closeOnDeadLetter = null;
      bridge?.close();
    },
  });
  using helper = new Bridge(system);
  const gone = system.spawn(Echo);
  const busy = system.spawn(Stubborn);
  await Promise.all([system.started(gone), system.started(busy)]);
  await helper.stop([gone], 5_000);
  busy.send(3_000); // answers nothing for 3 s
  const bridge = new Bridge(system);
  const earlier = Deno.args[0] === "pump-running"
    ? bridge.call(busy, "earlier", { timeout: 1_000 }).catch((e) => e)
    : null;
  await new Promise((resolve) => setTimeout(resolve, 0)); // its reader waits now, if it reads
  closeOnDeadLetter = bridge;
  const calls = [[gone, "a"], [busy, "b"], [busy, "c"]] as const;
  for await (const { index, error } of bridge.multiCall(calls, { timeout: 1_000 })) {
    console.log(`${index}: ${error?.name}`);
  }
  await earlier;
  console.log("done");
  await system.shutdown({ timeout: 100 });
}
