/**
 * A node of the cluster usage review (see _nodes.ts): joins the cluster at the URL given as its
 * first argument, names a Stockist "stockist", prints "ready <node>", and shuts down when its
 * standard input closes.
 */
import { ActorSystem } from "../../mod.ts";
import { Stockist } from "../_actors/usage_cluster_review.ts";

if (import.meta.main) {
  const [url, cluster] = Deno.args;
  // Its failures are the test's to see.
  const system = new ActorSystem({ cluster: { servers: url, name: cluster }, onFailure: () => {} });
  await system.joined;
  await system.register("stockist", system.spawn(Stockist));
  console.log(`ready ${system.node}`);
  for await (const _ of Deno.stdin.readable) { /* nothing comes */ }
  await system.shutdown();
}
