/**
 * The NATS client, the cluster's one dependency: the only file that imports it, and only when a
 * system is made with a `cluster` option (src/remote/ is loaded on demand), so a system of one
 * process loads no NATS code at all.
 *
 * @module
 */

// deno-lint-ignore no-import-prefix
import { connect, headers, type MsgHdrs } from "npm:@nats-io/transport-node@3.4.0";
// deno-lint-ignore no-import-prefix
import type { Msg, NatsConnection } from "npm:@nats-io/transport-node@3.4.0";
import { withinOrFail } from "../util/before_timeout.ts";
export type { Msg, NatsConnection, Subscription } from "npm:@nats-io/transport-node@3.4.0";
export { type KV, Kvm } from "npm:@nats-io/kv@3.4.0";

/**
 * Connects to the NATS servers at `servers` (e.g. "nats://127.0.0.1:4222"), giving up after
 * `timeoutMs`: the client's own default, 20 s, held a join to a frozen server twice as long as the
 * join promises to take.
 */
export function connectNats(
  servers: string | string[],
  name: string,
  timeoutMs: number,
): ReturnType<typeof connect> {
  return connect({
    servers,
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    timeout: timeoutMs,
  });
}

/** A subscription's callback: `each` for each message; a subscription's error is reported. */
export function onMessage(
  each: (msg: Msg) => unknown,
): (error: Error | null, msg: Msg) => void {
  return (error, msg) => {
    if (error !== null) {
      console.error("ringmail: a cluster subscription failed:", error);
    } else each(msg);
  };
}

/**
 * Writes what `nc` has to send to its socket now. The client writes in a microtask queued by the
 * first publish of a turn, so that a turn's publishes go in one write; everything queued before
 * that microtask runs first, and on a caller's thread that is the Bridge arming its wait for the
 * reply (~10–20 µs that the request waited, measured). A sender that has published all it has
 * for now writes at once instead. The client's flush is not public API: its shape is pinned
 * with the client's version (tests/remote/nats_write_test.ts checks it); with another shape the
 * client's own microtask writes, as before.
 */
export function writeNow(nc: NatsConnection): void {
  (nc as unknown as { protocol?: { flushPending?: () => void } }).protocol?.flushPending?.();
}

/** Whether a NATS request failed because nobody subscribes to its subject. */
export function isNoResponders(error: unknown): boolean {
  const maybe = error as { isNoResponders?: () => boolean } | null;
  return typeof maybe?.isNoResponders === "function" && maybe.isNoResponders();
}

/** Whether a NATS request failed because no answer came within its timeout. */
export function isTimeout(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === "TimeoutError";
}

/**
 * `nc.flush()`, waited for `ms` at most: the client notices a server that froze only when its
 * own pings go unanswered, minutes later.
 * @throws {Error} when the server did not answer in time (or the flush failed).
 */
export function flushWithin(nc: NatsConnection, ms: number): Promise<void> {
  return withinOrFail(
    nc.flush(),
    ms,
    `the NATS server did not answer within ${ms} ms (is it frozen, or cut off?)`,
  );
}

/**
 * The header that names the node a request or control message comes from: its subject and
 * payload do not (a batch's head does, see wire.ts), and a node found down is refused for
 * them as for its batches. A node of an older build sends none: its requests are served.
 */
const FROM_HEADER = "Ringmail-From";
/** The header of an answer that says the asking node was found down here. */
const FOUND_DOWN_HEADER = "Ringmail-Found-Down";

/** Headers naming `node` as the sender. */
export function fromHeaders(node: number): MsgHdrs {
  const made = headers();
  made.set(FROM_HEADER, String(node));
  return made;
}

/** The node `msg` says it comes from; 0 when it says none. */
export function fromNode(msg: Msg): number {
  const from = Number(msg.headers?.get(FROM_HEADER) ?? 0);
  return Number.isSafeInteger(from) ? from : 0;
}

/**
 * The header that numbers a control message among those its node sent this one (see
 * controls.ts). A node of an older build sends none: its control messages are taken as they come.
 */
const SEQUENCE_HEADER = "Ringmail-Seq";

/** Headers naming `node` as the sender of its control message `sequence`. */
export function controlHeaders(node: number, sequence: number): MsgHdrs {
  const made = fromHeaders(node);
  made.set(SEQUENCE_HEADER, String(sequence));
  return made;
}

/** The number of the control message `msg` (see {@link controlHeaders}); null when it has none. */
export function controlSequence(msg: Msg): number | null {
  const said = msg.headers?.get(SEQUENCE_HEADER);
  if (said === undefined || said === "") return null;
  const sequence = Number(said);
  return Number.isInteger(sequence) && sequence >= 0 && sequence <= 0xffff_ffff ? sequence : null;
}

/**
 * Headers of an answer saying the asker was found down (see {@link isFoundDown}) by `node`: an
 * answer to a question about a name does not say who gave it otherwise.
 */
export function foundDownHeaders(node: number): MsgHdrs {
  const made = fromHeaders(node);
  made.set(FOUND_DOWN_HEADER, "1");
  return made;
}

/** Whether the answer `msg` says the asking node was found down where it asked. */
export function isFoundDown(msg: Msg): boolean {
  return msg.headers?.get(FOUND_DOWN_HEADER) === "1";
}
