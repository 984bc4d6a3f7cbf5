/**
 * What code an actor left behind (a timer's callback, an event listener) does in the tests of a
 * replaced or stopped instance's context (tests/actor/incarnation_test.ts,
 * stopped_context_test.ts): calls one operation of the context it kept, and says how it went.
 */
import type { ActorClass, ActorContext, ActorRef } from "../../mod.ts";

/** What a left-behind call came to: the value, or the error's class and message. */
export interface Outcome {
  ok: boolean;
  value?: unknown;
  name?: string;
  message?: string;
}

/** What the left-behind code tells the probe once it made its call. */
export interface Report {
  op: string;
  outcome: Outcome;
}

/** What the operations act on. */
export interface OpTargets {
  /** Where timers send. */
  readonly probe: ActorRef<unknown>;
  /** The actor watched and asked. */
  readonly other: ActorRef<unknown>;
  /** The class a spawn starts. */
  readonly child: ActorClass;
  /** The behaviour `become` sets. */
  readonly behaviour: (message: unknown, sender: ActorRef | null) => unknown;
}

/** Calls the operation `op` on `context`, as code an actor left behind does. */
export async function callOnContext(
  context: ActorContext<unknown>,
  op: string,
  targets: OpTargets,
): Promise<Outcome> {
  try {
    let value: unknown;
    switch (op) {
      case "become":
        context.become(targets.behaviour);
        break;
      case "unbecome":
        context.unbecome();
        break;
      case "stash":
        context.stash();
        break;
      case "unstashAll":
        context.unstashAll();
        break;
      case "setReceiveTimeout":
        context.setReceiveTimeout(20);
        break;
      case "setReceiveTimeout(null)":
        context.setReceiveTimeout(null);
        break;
      case "sendAfter":
        context.sendAfter(10, targets.probe, "tick");
        break;
      case "sendEvery":
        context.sendEvery(10, targets.probe, "tick");
        break;
      case "watch":
        context.watch(targets.other as ActorRef<never>);
        break;
      case "unwatch":
        context.unwatch(targets.other as ActorRef<never>);
        break;
      case "spawn":
        value = String(context.spawn(targets.child));
        break;
      case "spawnWith":
        value = String(context.spawnWith(targets.child, { name: "late" }));
        break;
      case "children":
        value = context.children.length;
        break;
      case "stop":
        context.stop();
        break;
      case "receive":
        value = context.receive(500)?.message ?? null;
        break;
      case "ask":
        value = await context.ask(targets.other as ActorRef<never>, "question" as never, {
          timeout: 5000,
        });
        break;
      case "pipeToSelf":
        context.pipeToSelf(Promise.resolve("piped"), (piped) => piped);
        break;
      case "self":
        value = String(context.self);
        break;
      case "name":
        value = context.name;
        break;
      case "parent":
        value = context.parent;
        break;
      default:
        throw new Error(`no op ${op}`);
    }
    return { ok: true, value };
  } catch (error) {
    const e = error as Error;
    return { ok: false, name: e?.constructor?.name, message: String(e?.message) };
  }
}
