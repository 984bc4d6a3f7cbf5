/**
 * The nats-server harness, and the NATS client the remote layer builds on, under this Deno:
 * connect, publish/subscribe, request/reply, no-responders, a KV bucket's exclusive create, and a
 * server that is SIGSTOPped, SIGKILLed or restarted.
 */
import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix
import { connect } from "npm:@nats-io/transport-node@3.4.0";
// deno-lint-ignore no-import-prefix
import { errors, type NatsConnection } from "npm:@nats-io/nats-core@3.4.0";
// deno-lint-ignore no-import-prefix
import { JetStreamApiError } from "npm:@nats-io/jetstream@3.4.0";
// deno-lint-ignore no-import-prefix
import { Kvm } from "npm:@nats-io/kv@3.4.0";
import { INSTALL_NATS_SERVER, type NatsServer, startNatsServer } from "./_nats_server.ts";

const text = new TextEncoder();
const fromBytes = new TextDecoder();

/** A client that gives up at once when the server goes: no reconnect timers outlive a test. */
function client(server: NatsServer): Promise<NatsConnection> {
  return connect({ servers: server.url, reconnect: false });
}

/** The error `attempt` rejects with, checked to be an instance of `kind`. */
async function rejection<E extends Error>(
  attempt: () => Promise<unknown>,
  kind: new (...args: never[]) => E,
): Promise<E> {
  try {
    await attempt();
  } catch (error) {
    assert.ok(error instanceof kind, `expected a ${kind.name}, got ${error}`);
    return error;
  }
  throw new assert.AssertionError({ message: `expected a ${kind.name}, but it resolved` });
}

/** Whether no process has this PID: SIGCONT is harmless to any process that might still have it. */
function processGone(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return false;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw error;
  }
}

async function refusesConnections(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return false;
  } catch (error) {
    if (error instanceof Deno.errors.ConnectionRefused) return true;
    throw error;
  }
}

Deno.test("a server starts on loopback, carries a message and a request, and is gone after stop", async () => {
  const server = await startNatsServer();
  assert.equal(server.url, `nats://127.0.0.1:${server.port}`);
  const nc = await client(server);
  try {
    const subscription = nc.subscribe("greetings", { max: 1 });
    const received = (async () => {
      for await (const message of subscription) return fromBytes.decode(message.data);
    })();
    nc.publish("greetings", text.encode("hello"));
    assert.equal(await received, "hello");

    const service = nc.subscribe("double", { max: 1 });
    (async () => {
      for await (const message of service) message.respond(`${message.json<number>() * 2}`);
    })();
    const reply = await nc.request("double", "21", { timeout: 2_000 });
    assert.equal(reply.json<number>(), 42);

    const unserved = await rejection(
      () => nc.request("nobody.here", "?", { timeout: 2_000 }),
      errors.RequestError,
    );
    assert(unserved.isNoResponders(), `expected no responders, got ${unserved.message}`);
  } finally {
    await nc.close();
    await server.stop();
  }
  assert(processGone(server.pid), `nats-server ${server.pid} still exists after stop()`);
  assert(await refusesConnections(server.port), `port ${server.port} still accepts after stop()`);
});

Deno.test("two servers get two ports", async () => {
  await using first = await startNatsServer();
  await using second = await startNatsServer();
  assert.notEqual(first.port, second.port);
  assert.notEqual(first.pid, second.pid);
});

Deno.test("a KV bucket creates a key once: the second create of it is refused", async () => {
  await using server = await startNatsServer({ jetstream: true });
  const nc = await client(server);
  try {
    const names = await new Kvm(nc).create("names");
    const revision = await names.create("counter", "node-a/1");
    assert(revision > 0);
    const refused = await rejection(
      () => names.create("counter", "node-b/7"),
      JetStreamApiError,
    );
    assert(/wrong last sequence/i.test(refused.message), refused.message);
    assert.equal((await names.get("counter"))?.string(), "node-a/1");
  } finally {
    await nc.close();
  }
});

Deno.test("restart keeps the port and the JetStream store; stop ends a SIGSTOPped server", async () => {
  await using server = await startNatsServer({ jetstream: true });
  const firstPid = server.pid;
  let nc = await client(server);
  await (await new Kvm(nc).create("names")).put("kept", "yes");
  await nc.close();

  await server.restart();
  assert.notEqual(server.pid, firstPid);
  assert(processGone(firstPid), "the first process outlived restart()");
  nc = await client(server);
  try {
    const names = await new Kvm(nc).open("names");
    assert.equal((await names.get("kept"))?.string(), "yes");
  } finally {
    await nc.close();
  }

  server.kill("SIGSTOP");
  const frozenPid = server.pid;
  await server.stop();
  assert(processGone(frozenPid), "a SIGSTOPped server outlived stop()");
});

Deno.test("a SIGKILLed server is seen as exited, and restarts on its port", async () => {
  await using server = await startNatsServer();
  server.kill("SIGKILL");
  const status = await server.exited;
  assert.equal(status.signal, "SIGKILL");
  await server.restart();
  const nc = await client(server);
  await nc.flush();
  await nc.close();
});

Deno.test("without nats-server the error names the command that installs it", async () => {
  const error = await rejection(
    () => startNatsServer({ executable: "nats-server-not-installed-here" }),
    Error,
  );
  assert(error.message.includes(INSTALL_NATS_SERVER), error.message);
});
