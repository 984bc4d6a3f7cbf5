/** Actors for the values-across-nodes review (tests/remote/values_review_test.ts). */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

/**
 * Which version of test.Versioned this thread has (tests/remote/_versioned_v1.ts, or _v2 where
 * the process says so: the values review's second node sets the variable before its Workers
 * start), so that one actor module sees another layout on each node, as another build would.
 */
const versioned = Deno.env.get("RINGMAIL_VALUES_REVIEW_VERSION") === "2"
  ? await import("../remote/_versioned_v2.ts")
  : await import("../remote/_versioned_v1.ts");

/** Started with a test.Versioned; answers its fields as this node's version sees them. */
export class VersionedHolder extends Actor<unknown> {
  static readonly module = import.meta.url;
  constructor(readonly held: unknown = null) {
    super();
  }
  @handles(OtherMessage)
  onAnything(_: unknown, sender: ActorRef | null) {
    const held = this.held as Record<string, unknown>;
    sender?.send(
      held instanceof versioned.Versioned
        ? Object.entries(held).map(([k, v]) => `${k}=${v}`).join(" ")
        : `not a Versioned: ${String(held)}`,
    );
  }
}
