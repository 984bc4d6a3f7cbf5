/** The NATS client's connection prototype, for tests that make a connection misbehave. */
// deno-lint-ignore no-import-prefix
import { connect } from "npm:@nats-io/transport-node@3.4.0";

/** The NATS client's connection prototype (shared by every connection of this process). */
export interface NatsProto {
  publish: (...args: unknown[]) => void;
  request: (...args: unknown[]) => Promise<unknown>;
  flush: () => Promise<void>;
}

/** The prototype of the NATS client's connections, found by a throwaway connection to `url`. */
export async function natsProto(url: string): Promise<NatsProto> {
  const nc = await connect({ servers: url });
  const proto = Object.getPrototypeOf(nc) as NatsProto;
  await nc.close();
  return proto;
}

/** The name a ringmail node gives its connection (see src/remote/mod.ts). */
export function connectionName(self: unknown): string | undefined {
  return (self as { options?: { name?: string } }).options?.name;
}
