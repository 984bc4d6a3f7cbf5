/** Makes the NATS clients of this process refuse some publishes, for the remote tests. */
// deno-lint-ignore no-import-prefix
import { connect } from "npm:@nats-io/transport-node@3.4.0";

/**
 * Makes every NATS connection of this process refuse to publish what `refuse` says, as a client
 * refuses what its connection cannot send (closed, or a server that now takes less); returns
 * what undoes it. Batches are sized to the server's max payload, so a test cannot have a real
 * server refuse one.
 */
export async function refusePublishes(
  url: string,
  refuse: (subject: string, data: Uint8Array) => boolean,
): Promise<() => void> {
  const nc = await connect({ servers: url });
  const proto = Object.getPrototypeOf(nc) as { publish: (...args: unknown[]) => void };
  await nc.close();
  const publish = proto.publish;
  proto.publish = function (this: unknown, subject: unknown, data: unknown, ...rest: unknown[]) {
    if (typeof subject === "string" && data instanceof Uint8Array && refuse(subject, data)) {
      throw new Error(`refused for the test: ${data.length} bytes to ${subject}`);
    }
    return publish.call(this, subject, data, ...rest);
  };
  return () => {
    proto.publish = publish;
  };
}
