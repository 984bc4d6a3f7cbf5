/**
 * writeNow (src/remote/nats.ts): what a publish leaves in the NATS client's buffer goes to the
 * socket at once, not in the client's own microtask. It calls the client's flush, which is not
 * the client's public API: this test pins that shape to the client's version.
 */
import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { writeNow } from "../../src/remote/nats.ts";
import { within } from "../_system.ts";
import { startNatsServer } from "./_nats_server.ts";

/** The client's buffer of what it has still to write (private: see the module doc). */
interface Buffered {
  protocol: { outbound: { size(): number } };
}

Deno.test("writeNow: a publish goes to the socket at once, and arrives", async () => {
  await using server = await startNatsServer();
  const sender = await connect({ servers: server.url, reconnect: false });
  const receiver = await connect({ servers: server.url, reconnect: false });
  try {
    const got = new Promise<string>((resolve) =>
      receiver.subscribe("now", { max: 1, callback: (_error, msg) => resolve(msg.string()) })
    );
    await receiver.flush();
    const outbound = (sender as unknown as Buffered).protocol.outbound;
    sender.publish("now", "hello");
    assert.ok(outbound.size() > 0, "the client holds a publish until its microtask");
    writeNow(sender);
    assert.equal(outbound.size(), 0, "written: nothing is left for the client's microtask");
    assert.equal(await within(5_000, "the message", got), "hello");
  } finally {
    await sender.close();
    await receiver.close();
  }
});
