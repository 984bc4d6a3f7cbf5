/**
 * Helpers for tests of the cluster across an outage: two nodes talking, a restart of the NATS
 * server until the nodes answer each other again, a count of what this process publishes on a
 * subject, and a look for a condition for a bounded while.
 */
import { type ActorRef, ActorSystem, type ActorSystemOptions, Bridge } from "../../mod.ts";
import { Probe } from "../_actors/supervision.ts";
import { RemoteWatch } from "../../src/system/control.ts";
import { decode } from "../../src/codec/mod.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { eventually } from "../_system.ts";
import type { startNatsServer } from "./_nats_server.ts";
import { natsProto } from "./_nats_proto.ts";

type Server = Awaited<ReturnType<typeof startNatsServer>>;

/** The server restarts: both nodes lose their connection, come back and answer each other. */
export async function outage(server: Server, systems: ActorSystem[]): Promise<void> {
  server.kill("SIGKILL");
  await server.exited;
  await server.restart();
  for (const system of systems) {
    await eventually(
      async () => {
        const status = await system.clusterStatus();
        return status.connected && status.links.some((link) => link.up && link.roundTripMs >= 0);
      },
      "connected again, the other node answering",
      20_000,
    );
  }
}

/** What {@link countPublishes} counts; `stop` puts the client's publish back. */
export interface PublishCounter {
  count: number;
  /** Each message counted, described (decoded with the system's courier, when one was given). */
  readonly seen: string[];
  stop(): void;
}

/** Counts what this process publishes on `subject` until `stop` is called. */
export async function countPublishes(
  url: string,
  subject: string,
  system: ActorSystem | null = null,
): Promise<PublishCounter> {
  const proto = await natsProto(url);
  const publish = proto.publish;
  const courier = system === null ? null : internalsOf(system).bridgeHost.courier;
  const counter: PublishCounter = {
    count: 0,
    seen: [],
    stop: () => {
      proto.publish = publish;
    },
  };
  proto.publish = function (this: unknown, s: unknown, ...rest: unknown[]) {
    if (s === subject) {
      counter.count++;
      if (courier !== null) counter.seen.push(describe(rest[0] as Uint8Array, courier));
    }
    return publish.call(this, s, ...rest);
  };
  return counter;
}

function describe(data: Uint8Array, courier: Parameters<typeof decode>[1]): string {
  try {
    const message = decode(data, courier);
    return message instanceof RemoteWatch
      ? `RemoteWatch(${message.watcher} > ${message.target}${message.unwatch ? ", unwatch" : ""})`
      : String((message as object)?.constructor?.name);
  } catch (error) {
    return `undecodable: ${error}`;
  }
}

/** Resolves true if `condition` holds within `ms` (bounded polling), false otherwise. */
export async function holdsWithin(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return condition();
}

/** Two nodes talking: their systems, a probe on the second and a Bridge of the first. */
export interface TwoNodes extends AsyncDisposable {
  readonly here: ActorSystem;
  readonly there: ActorSystem;
  /** An actor of `there` that `here` has called: the link between them is up. */
  readonly probe: ActorRef<unknown>;
  /** A Bridge of `here`. */
  readonly bridge: Bridge;
}

/**
 * Two nodes of cluster `cluster` on `server`, slow to find each other down (30 s), the first
 * made with `hereOptions` too; a probe on the second that the first has called.
 */
export async function twoNodes(
  server: Server,
  cluster: string,
  hereOptions: ActorSystemOptions = {},
): Promise<TwoNodes> {
  const options = { servers: server.url, name: cluster, downAfterMs: 30_000 };
  const here = new ActorSystem({ ...hereOptions, cluster: options });
  const there = new ActorSystem({ cluster: options });
  await Promise.all([here.joined, there.joined]);
  await there.register("probe", there.spawn(Probe));
  const probe = await here.lookup<unknown>("probe");
  const bridge = new Bridge(here);
  const answer = await bridge.call(probe, "dump", { timeout: 10_000 });
  if (!Array.isArray(answer)) throw new Error(`the probe answered ${answer}`);
  return {
    here,
    there,
    probe,
    bridge,
    async [Symbol.asyncDispose]() {
      bridge.close();
      await here.shutdown();
      await there.shutdown();
    },
  };
}
