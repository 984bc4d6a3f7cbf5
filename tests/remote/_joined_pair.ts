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

/** Two joined nodes whose `there` restarts an actor that loses its Worker (a kill is a test's). */
export interface RestartingPair extends AsyncDisposable {
  here: ActorSystem;
  there: ActorSystem;
}

/**
 * Two nodes of `cluster` on the server at `url`, joined: `there` restarts actors that lose their
 * Worker, quietly; neither finds the other down for 30 s (across a test's outage).
 */
export async function restartingPair(url: string, cluster: string): Promise<RestartingPair> {
  const options = { servers: url, name: cluster, downAfterMs: 30_000 };
  const here = new ActorSystem({ cluster: options });
  const there = new ActorSystem({
    cluster: options,
    supervision: { onFailure: "restart" },
    onFailure: () => {}, // the kill is the test's
  });
  const pair = {
    here,
    there,
    async [Symbol.asyncDispose]() {
      await Promise.all([here.shutdown(), there.shutdown()]);
    },
  };
  try {
    await Promise.all([here.joined, there.joined]);
  } catch (error) {
    await pair[Symbol.asyncDispose]();
    throw error;
  }
  return pair;
}
