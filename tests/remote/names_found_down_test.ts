/**
 * Names and a node found down that comes back (frozen longer than `downAfterMs`, then resumed):
 * a dead incarnation to the nodes that found it down. It must not register names, nor be
 * answered as the live holder of the names it has. Both name modes: a KV bucket (the server has
 * JetStream) and subscriptions (it has not).
 */
import assert from "node:assert/strict";
import { ActorSystem, Bridge } from "../../mod.ts";
import { NameNotFoundError } from "../../errors.ts";
import { Doubler } from "../_actors/basic.ts";
import { eventually } from "../_system.ts";
import { startNatsServer } from "./_nats_server.ts";
import { startNode } from "./_nodes.ts";

const MODES = [{ jetstream: true, mode: "KV" }, { jetstream: false, mode: "subjects" }];
const PROGRAM = new URL("./_names_node.ts", import.meta.url);
/** How long a line of the other node's is waited for. */
const ANSWER_MS = 20_000;

/** The other node (see _names_node.ts), and what it answers to a line, without its echo of it. */
async function startZombie(url: string, cluster: string) {
  const answers: string[] = [];
  const zombie = await startNode(url, cluster, PROGRAM, (line) => answers.push(line));
  const ask = async (line: string): Promise<string> => {
    answers.length = 0;
    await zombie.tell(line);
    await eventually(() => answers.length > 0, `an answer to ${JSON.stringify(line)}`, ANSWER_MS);
    const answer = answers.shift()!;
    assert.ok(answer.startsWith(`${line} `), answer);
    return answer.slice(line.length + 1);
  };
  return { zombie, ask };
}

for (const { jetstream, mode } of MODES) {
  Deno.test(`names found down (${mode}): a node found down that resumes cannot register, and is not answered as a holder`, async () => {
    await using server = await startNatsServer({ jetstream });
    const cluster = `zombie-${mode}`;
    await using system = new ActorSystem({ cluster: { servers: server.url, name: cluster } });
    const { zombie: started, ask } = await startZombie(server.url, cluster);
    await using zombie = started;
    using bridge = new Bridge(system);
    // Talked to, both ways: each pings the other.
    assert.equal(await bridge.call(await system.lookup<number>("doubler"), 21), 42);
    await zombie.freeze();
    await eventually(
      async () => (await system.clusterStatus()).links.some((l) => l.node === zombie.node && !l.up),
      "the frozen node is found down",
    );
    zombie.kill("SIGCONT");
    // At its first ping it hears that this node found it down, and finds this node down too.
    await eventually(
      async () => await ask(`link ${system.node}`) === "down",
      "the resumed node finds this one down",
    );

    // It is a dead incarnation: a name it took would point the nodes that found it down at it.
    const refused = await ask("register fresh");
    assert.match(refused, /^NodeFoundDownError: /);
    assert.match(refused, new RegExp(`node ${system.node} found this node down`));
    await assert.rejects(system.lookup("fresh"), NameNotFoundError);
    // Its names go too: a node that never met it, to which it would answer, finds none of them.
    await using third = new ActorSystem({ cluster: { servers: server.url, name: cluster } });
    await eventually(
      async () =>
        await third.lookup("doubler").then(() => false, (e) => e instanceof NameNotFoundError),
      "the names of the node found down are given up",
      ANSWER_MS,
    );
    // The name it held before is not answered as its own (without JetStream it answers for it
    // itself), and is free here.
    await assert.rejects(system.lookup("doubler"), NameNotFoundError);
    await system.register("doubler", system.spawn(Doubler));
    assert.equal((await system.lookup("doubler")).node, 0);
    // To it, this node's actors are dead in turn: the name is not found there.
    assert.match(await ask("lookup doubler"), /^NameNotFoundError: /);
  });
}

for (const { jetstream, mode } of MODES) {
  Deno.test(`names found down (${mode}): a node found down that never pings the node that found it learns so from that node as it registers a name it holds`, async () => {
    await using server = await startNatsServer({ jetstream });
    const cluster = `zombie-asks-${mode}`;
    await using system = new ActorSystem({ cluster: { servers: server.url, name: cluster } });
    const { zombie: started, ask } = await startZombie(server.url, cluster);
    await using zombie = started;
    await system.register("mine", system.spawn(Doubler));
    // A spawn there: this node pings it, it does not ping this node (it was sent no batch).
    await system.spawnOn(zombie.node, Doubler);
    await zombie.freeze();
    await eventually(
      async () => (await system.clusterStatus()).links.some((l) => l.node === zombie.node && !l.up),
      "the frozen node is found down",
    );
    zombie.kill("SIGCONT");
    assert.equal(await ask(`link ${system.node}`), "none", "it does not watch this node");
    // The name's holder is this node: asked (without JetStream) or pinged (with), it says that
    // it found the asker down.
    const refused = await ask("register mine");
    assert.match(refused, /^NodeFoundDownError: /);
    assert.match(refused, new RegExp(`node ${system.node} found this node down`));
    assert.equal(await ask(`link ${system.node}`), "down");
    assert.match(await ask("register fresh"), /^NodeFoundDownError: /);
  });
}
