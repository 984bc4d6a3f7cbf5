/**
 * Location transparency, tested: a suite's cases written once against a placement seam
 * (`t.spawn`, `t.spawnWith`) run twice — with their target actors in this process, and with them
 * on a second node (a second Deno process joined to a private nats-server), assertions unchanged.
 *
 * In the remote run the targets' dead letters and failures happen on the second node: it forwards
 * them (tests/remote/_placement_node.ts) to a recorder there, and `t.until` reads them in, so
 * `t.deadLetters` and `t.failures` hold both nodes' reports. `t.system.deadLetters` (a count) is
 * this node's only.
 */
import type { ActorRef, DeadLetter, SpawnOptions } from "../mod.ts";
import type { ActorClass, MessagesOf } from "../actor.ts";
import { eventually, type TestSystem, testSystem } from "./_system.ts";
import { startNatsServer } from "./remote/_nats_server.ts";
import { type NodeProcess, startNode } from "./remote/_nodes.ts";

/** A test system whose target actors are placed here or on another node. */
export interface PlacedSystem extends TestSystem {
  /** Where `spawn` and `spawnWith` put actors. */
  readonly where: "here" | "on another node";
  spawn<C extends ActorClass>(
    actorClass: C,
    ...args: ConstructorParameters<C>
  ): Promise<ActorRef<MessagesOf<InstanceType<C>>>>;
  spawnWith<C extends ActorClass>(
    actorClass: C,
    options: SpawnOptions,
    ...args: ConstructorParameters<C>
  ): Promise<ActorRef<MessagesOf<InstanceType<C>>>>;
}

/**
 * One case of a suite: its name, its body, and — for a case that only this process can run —
 * why (its remote step is then listed as ignored).
 */
export type PlacedCase = readonly [
  name: string,
  body: (t: PlacedSystem) => Promise<void>,
  onlyHere?: string,
];

const PLACEMENT_NODE = new URL("./remote/_placement_node.ts", import.meta.url);
const REPLY_MS = 20_000;

/**
 * Registers every case twice: `<suite>: <name>` with its targets here, and as a step of
 * `<suite> (targets on another node)`, which starts one nats-server and one second node for all
 * its steps.
 */
export function placedTests(suite: string, cases: readonly PlacedCase[]): void {
  for (const [name, body] of cases) {
    Deno.test(`${suite}: ${name}`, async () => {
      await using t = placedHere();
      await body(t);
    });
  }
  Deno.test(`${suite} (targets on another node)`, async (test) => {
    await using server = await startNatsServer();
    const cluster = `placement-${crypto.randomUUID()}`;
    const acks = new Acks();
    await using node = await startNode(
      server.url,
      cluster,
      PLACEMENT_NODE,
      (line) => acks.heard(line),
    );
    for (const [name, body, onlyHere] of cases) {
      await test.step({
        name: onlyHere === undefined ? name : `${name} (here only: ${onlyHere})`,
        ignore: onlyHere !== undefined,
        fn: async () => {
          await using t = await placedThere(server.url, cluster, node, acks);
          await body(t);
        },
      });
    }
  });
}

function placedHere(): PlacedSystem {
  const t = testSystem();
  return Object.assign(t, {
    where: "here" as const,
    spawn: <C extends ActorClass>(actorClass: C, ...args: ConstructorParameters<C>) =>
      Promise.resolve(t.system.spawn(actorClass, ...args)),
    spawnWith: <C extends ActorClass>(
      actorClass: C,
      options: SpawnOptions,
      ...args: ConstructorParameters<C>
    ) => Promise.resolve(t.system.spawnWith(actorClass, options, ...args)),
  });
}

/** A system of this process in the cluster, spawning on `node`, with its reports forwarded. */
async function placedThere(
  url: string,
  cluster: string,
  node: NodeProcess,
  acks: Acks,
): Promise<PlacedSystem> {
  const t = testSystem({ cluster: { servers: url, name: cluster } });
  const dispose = t[Symbol.asyncDispose].bind(t);
  const placed: ActorRef<unknown>[] = [];
  try {
    await t.system.joined;
    const sink = await t.system.lookup("reports");
    await acks.after(() => node.tell("report"), "reporting");
    // The reports of the cases before this one are not its own.
    let read = (await t.bridge.call(sink, "dump", { timeout: REPLY_MS }) as unknown[]).length;
    /** Reads in the reports forwarded since the last read. */
    const pull = async () => {
      const seen = await t.bridge.call(sink, "dump", { timeout: REPLY_MS }) as unknown[][];
      for (const [report] of seen.slice(read)) {
        const [kind, fields] = report as [string, Record<string, unknown>];
        if (kind === "dead letter") t.deadLetters.push(fields as unknown as DeadLetter);
        else t.failures.push(fields as never);
      }
      read = seen.length;
    };
    const spawnWith = async <C extends ActorClass>(
      actorClass: C,
      options: SpawnOptions,
      ...args: ConstructorParameters<C>
    ) => {
      const ref = await t.system.spawnOn(node.node, actorClass, options, ...args);
      placed.push(ref as ActorRef<unknown>);
      return ref;
    };
    return Object.assign(t, {
      where: "on another node" as const,
      spawn: <C extends ActorClass>(actorClass: C, ...args: ConstructorParameters<C>) =>
        spawnWith(actorClass, {}, ...args),
      spawnWith,
      until: (condition: () => boolean, what: string, ms = REPLY_MS) =>
        eventually(async () => condition() || (await pull(), condition()), what, ms),
      async [Symbol.asyncDispose]() {
        // Its actors on the other node end with it, as a local system's do; their ends are not
        // reported to the next case.
        await acks.after(() => node.tell("quiet"), "quiet");
        await t.bridge.stop(placed, 5_000).catch(() => {});
        await dispose();
      },
    });
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** The second node's acknowledgements, awaited with a bound. */
class Acks {
  readonly #waiting = new Map<string, () => void>();
  heard(line: string): void {
    const resolve = this.#waiting.get(line);
    if (resolve === undefined) console.log(`[node] ${line}`);
    else {
      this.#waiting.delete(line);
      resolve();
    }
  }
  async after(act: () => Promise<void>, line: string): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const heard = new Promise<void>((resolve, reject) => {
      this.#waiting.set(line, resolve);
      timer = setTimeout(() => {
        this.#waiting.delete(line);
        reject(new Error(`the second node did not say "${line}" within ${REPLY_MS} ms`));
      }, REPLY_MS);
    });
    try {
      await act();
      await heard;
    } finally {
      clearTimeout(timer);
    }
  }
}
