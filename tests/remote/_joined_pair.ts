/** What the names tests share: two nodes of one cluster in this process, both joined. */
import { ActorSystem } from "../../mod.ts";

/** Two nodes of `cluster` on the server at `url`, joined; both shut down if either cannot join. */
export async function joinedPair(
  url: string,
  cluster: string,
): Promise<[ActorSystem, ActorSystem]> {
  const here = new ActorSystem({ cluster: { servers: url, name: cluster } });
  const there = new ActorSystem({ cluster: { servers: url, name: cluster } });
  try {
    await Promise.all([here.joined, there.joined]);
  } catch (error) {
    await Promise.all([here.shutdown(), there.shutdown()]);
    throw error;
  }
  return [here, there];
}
