/**
 * A node that only watches, for the remote tests: joins the cluster at the URL given as its first
 * argument, watches the actor named "watched" there through a Bridge (a watch is all it sends),
 * prints "ready <node>", and shuts down when its standard input closes (or is killed first).
 */
import { ActorSystem, Bridge } from "../../mod.ts";

if (import.meta.main) {
  const [url, cluster] = Deno.args;
  const system = new ActorSystem({ cluster: { servers: url, name: cluster } });
  await system.joined;
  const bridge = new Bridge(system);
  bridge.whenTerminated(await system.lookup<unknown>("watched")).catch(() => {});
  console.log(`ready ${system.node}`);
  // Until the test closes our standard input (or kills us).
  for await (const _ of Deno.stdin.readable) { /* nothing comes */ }
  bridge.close();
  await system.shutdown();
}
