/**
 * A parent in a pool whose child is placed in another Worker of the pool, for the tests of what
 * the parent's Worker holds for that child: messages waiting for room in the child's small
 * mailbox, and the parent's Stop to it.
 */
import { Actor, type ActorRef, handles, message, OtherMessage } from "../../mod.ts";
import { Numbered } from "./behaviours.ts";
import { Hold, Ledger } from "./ledger.ts";
import { Flaky } from "./supervision.ts";

/**
 * Asks a FarParent to spawn a Ledger child (in its pool: round-robin) with a small mailbox and
 * send timeout, to tell it to hold for `holdMs` first and to send its report to `reportTo` when
 * it stops, then to send it `count` Numbered messages in the same turn (before the system has
 * placed it); answered with the child's ref. With a `doneKey`, it then sets that environment
 * variable to the child's slot and generation.
 */
@message()
export class SpawnFar {
  constructor(
    readonly holdMs = 0,
    readonly mailboxCapacity = 1024,
    readonly sendTimeout = 0,
    readonly reportTo: ActorRef | null = null,
    readonly count = 0,
    readonly doneKey = "",
  ) {}
}

/** Asks a FarParent to send its child `count` Numbered messages; answered with "sent". */
@message()
export class FloodFar {
  constructor(readonly count = 0) {}
}

/** Spawns a child and floods it (see SpawnFar, FloodFar). */
export class FarParent extends Actor<SpawnFar | FloodFar> {
  static readonly module = import.meta.url;
  #child: ActorRef | null = null;

  @handles(SpawnFar)
  onSpawn(spawn: SpawnFar, sender: ActorRef | null) {
    const child = this.#child = this.context.spawnWith(Ledger, {
      mailboxCapacity: spawn.mailboxCapacity,
      ...(spawn.sendTimeout > 0 ? { sendTimeout: spawn.sendTimeout } : {}),
    });
    if (spawn.holdMs > 0) child.send(new Hold(spawn.holdMs));
    if (spawn.reportTo !== null) child.send("tell me at stop", { sender: spawn.reportTo });
    for (let seq = 0; seq < spawn.count; seq++) child.send(new Numbered("parent", seq));
    // For a test whose thread stays busy meanwhile: the process's environment is shared.
    if (spawn.doneKey !== "") Deno.env.set(spawn.doneKey, `${child.slot} ${child.generation}`);
    sender?.send(child);
  }
  @handles(FloodFar)
  onFlood(flood: FloodFar, sender: ActorRef | null) {
    for (let seq = 0; seq < flood.count; seq++) {
      this.#child!.send(new Numbered("parent", seq));
    }
    sender?.send("sent");
  }
}

/** Keeps the last thing it was sent; `"?"` answers it, once there is one. */
export class Keeper extends Actor<unknown> {
  static readonly module = import.meta.url;
  #kept: unknown = undefined;
  #asker: ActorRef | null = null;

  @handles(OtherMessage)
  onAny(message: unknown, sender: ActorRef | null) {
    if (message === "?") this.#asker = sender;
    else this.#kept = message;
    if (this.#kept !== undefined) this.#asker?.send(this.#kept);
  }
}

/**
 * Its children's failures escalate to it. `"spawn"` answers a new Flaky child (in a Worker of its
 * own); a number makes it wait that many ms, its mailbox unread meanwhile.
 */
export class SleepyParent extends Actor<unknown> {
  static readonly module = import.meta.url;
  static readonly supervision = { onFailure: "escalate" as const };
  @handles(OtherMessage)
  async onAny(message: unknown, sender: ActorRef | null) {
    if (message === "spawn") sender?.send(this.context.spawn(Flaky));
    else if (typeof message === "number") {
      await new Promise((resolve) => setTimeout(resolve, message));
    }
  }
}

/** Asks a Pusher to send `count` numbers to `target` in one handler. */
@message()
export class Push {
  constructor(readonly target: ActorRef | null = null, readonly count = 0) {}
}

/** Sends what a Push asks; answers `"sent"`, or the name of the error a send threw. */
export class Pusher extends Actor<Push> {
  static readonly module = import.meta.url;
  @handles(Push)
  onPush(push: Push, sender: ActorRef | null) {
    try {
      for (let i = 0; i < push.count; i++) push.target!.send(i);
      sender?.send("sent");
    } catch (error) {
      sender?.send((error as Error).name);
    }
  }
}
