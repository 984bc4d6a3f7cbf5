/**
 * Review of what the cluster's API takes: the `cluster` option and `lookup`'s timeout. A value
 * that cannot work is refused where it is given, with the standard TypeError or RangeError, not
 * taken and failed later with an error that sends the user looking at the wrong thing.
 */
import assert from "node:assert/strict";
import { Bridge } from "../../mod.ts";
import { NameNotFoundError } from "../../errors.ts";
import { Doubler } from "../_actors/basic.ts";
import { startNatsServer } from "./_nats_server.ts";
import { joinedPair } from "./_joined_pair.ts";

Deno.test("options review: a lookup timeout no timer can wait (Infinity, past 2^31 - 1 ms) is a RangeError, not a ClusterUnavailableError at once", async () => {
  await using server = await startNatsServer();
  const [here, there] = await joinedPair(server.url, "lookup-timeout");
  try {
    await there.register("doubler", there.spawn(Doubler));
    // A timer of more than 2^31 - 1 ms fires after 1 ms: the cluster "did not answer" at once.
    for (const timeout of [Infinity, 2 ** 31, 2 ** 40]) {
      await assert.rejects(here.lookup("doubler", { timeout }), RangeError, `timeout ${timeout}`);
    }
    await assert.rejects(
      here.lookup("doubler", { timeout: "1000" as unknown as number }),
      TypeError,
    );
    // The longest a timer waits is a timeout like any other.
    await assert.rejects(here.lookup("nobody", { timeout: 0x7fff_ffff }), NameNotFoundError);
    using bridge = new Bridge(here);
    const doubler = await here.lookup<number>("doubler", { timeout: 0x7fff_ffff });
    assert.equal(await bridge.call(doubler, 4, { timeout: 5000 }), 8);
  } finally {
    await Promise.all([here.shutdown(), there.shutdown()]);
  }
});
