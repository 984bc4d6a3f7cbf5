/**
 * `ActorRef`: the address of an actor, the only way to send it a message. A ref is a slot in the
 * actor system's directory plus the generation of the actor in that slot, so a ref to an actor
 * that stopped can never reach a later actor in the same slot. A ref may carry a reply tag: a
 * Bridge hands out such refs as the sender of its calls and matches replies by the tag.
 *
 * Refs are plain values: they cross threads inside messages (the codec writes slot, generation,
 * tag and node), compare with {@link ActorRef.equals}, and work from any thread of their system.
 * A ref's node names the process its actor lives in: 0 for this one.
 *
 * @module
 */

import type { StatCounters } from "./actor_stats.ts";
import { RingmailError } from "../errors.ts";
import { describeValue } from "../util/describe_value.ts";

/**
 * How a ref's messages leave this thread: the actor system installs one per system and thread.
 * The actor layer knows nothing more about the way.
 */
export interface Courier {
  /**
   * This process's node id in its cluster; 0 outside a cluster. Refs and senders that name it
   * are of this process (read back as node 0).
   */
  readonly node: number;
  /**
   * Delivers `message` to `target` as sent by `sender`; never blocks on a dead target. A
   * `deadline` (ms since the epoch, 0: none) makes the message a dead letter if it is not
   * handled by then. A `notice` is the runtime's own message (a Stop to children, a Failed to
   * a parent, a ReceiveTimeout): where it has to wait for room in a mailbox of this thread, it
   * waits as long as it takes instead of failing for a full mailbox.
   */
  deliver(
    target: ActorRef<unknown>,
    message: unknown,
    sender: ActorRef<unknown> | null,
    deadline?: number,
    notice?: boolean,
  ): void;
  /**
   * Encodes `message` for `target` now (a snapshot, with any codec error at once), to send
   * later with {@link deliverEncoded}: what timers do.
   */
  encode(
    target: ActorRef<unknown>,
    message: unknown,
    sender: ActorRef<unknown> | null,
  ): Uint8Array;
  /** Sends what {@link encode} made; `message` describes it if it becomes a dead letter. */
  deliverEncoded(
    target: ActorRef<unknown>,
    record: Uint8Array,
    sender: ActorRef<unknown> | null,
    message: unknown,
  ): void;
  /** A short name for the actor behind a ref, for errors and `toString`. */
  describe(target: ActorRef<unknown>): string;
  /**
   * Tells `waiting`, a ref that waits for a reply (a Bridge call, an ask: it has a reply tag),
   * that none will come, with `answer`: the runtime's own message, sent as the system's, which
   * waits for room rather than being dropped; a `waiting` that is gone is not told.
   */
  answer(waiting: ActorRef<unknown>, answer: unknown): void;
}

/**
 * An actor was used before it was started: an actor object made with `new` instead of spawned,
 * or a ref that belongs to no running system.
 *
 * @example
 * ```ts
 * import { Actor } from "@ringmail/actors";
 * import { ActorNotStartedError } from "@ringmail/actors/errors";
 *
 * class Idle extends Actor {}
 * try {
 *   new Idle().self.send("hello");
 * } catch (error) {
 *   console.log(error instanceof ActorNotStartedError); // true
 * }
 * ```
 */
export class ActorNotStartedError extends RingmailError {}

/** Who is sending right now on this thread: set by the receive loop around each handler. */
let currentSender: ActorRef<unknown> | null = null;

/** @internal Makes `sender` the implicit sender of sends until the returned value is restored. */
export function swapCurrentSender(
  sender: ActorRef<unknown> | null,
): ActorRef<unknown> | null {
  const previous = currentSender;
  currentSender = sender;
  return previous;
}

/**
 * @internal Whether a handler of `ref`'s actor is on the stack now (a sync one, or an async one
 * before its first await): not code that only inherited its async context, such as a callback an
 * async handler left behind.
 */
export function isHandlingNow(ref: ActorRef<unknown>): boolean {
  return currentSender === ref;
}

/** @internal Whether an actor's handler (or hook) is running now, on this thread. */
export function inHandler(): boolean {
  return currentSender !== null || (asyncSender() ?? null) !== null;
}

/** Resolves the implicit sender: inside an async handler, the actor the handler belongs to. */
let asyncSender: () => ActorRef<unknown> | null | undefined = () => undefined;

/** @internal Installs how async handlers find their actor (see dispatch). */
export function setAsyncSender(
  find: () => ActorRef<unknown> | null | undefined,
): void {
  asyncSender = find;
}

/** Options of {@link ActorRef.send}. */
export interface SendOptions {
  /**
   * Who the receiver sees as the sender. Default: the current actor inside a handler, none
   * outside. `null` sends anonymously.
   */
  sender?: ActorRef<unknown> | null;
  /**
   * When the message stops being worth handling, in milliseconds since the epoch (as
   * `Date.now()` counts): if its target has not started handling it by then, it becomes a dead
   * letter instead (kind `"deadline"`). Default: none. Bridge calls set it to their timeout.
   */
  deadline?: number;
}

/**
 * The address of an actor that accepts messages of type `M`. Get one from `spawn`, from
 * `this.self` inside an actor, or as the sender of a message; send it messages with
 * {@link ActorRef.send}.
 *
 * @typeParam M the messages the actor accepts.
 *
 * @example Send a message and let the actor reply to its sender
 * ```ts
 * import { Actor, type ActorRef, ActorSystem, Bridge, handles, OtherMessage } from "@ringmail/actors";
 *
 * export class Echo extends Actor<unknown> {
 *   static readonly module = import.meta.url;
 *   @handles(OtherMessage)
 *   onAny(message: unknown, sender: ActorRef | null) {
 *     sender?.send(message);
 *   }
 * }
 *
 * if (import.meta.main) {
 *   await using system = new ActorSystem();
 *   using bridge = new Bridge(system);
 *   const echo = system.spawn(Echo);
 *   console.log(await bridge.call(echo, "ping", { timeout: 5000 })); // "ping"
 * }
 * ```
 */
export class ActorRef<M = unknown> {
  /** The actor's slot in its system's directory. */
  readonly slot: number;
  /** Which actor in that slot: bumped each time the slot is reused. */
  readonly generation: number;
  /** A reply tag (0: none): replies to this ref carry it, so a caller can match them. */
  readonly tag: number;
  /**
   * The address of the process the actor lives in: 0 for this process (every ref today; refs
   * to actors in other processes carry their node's address).
   */
  readonly node: number;
  // The runtime behind a ref lives in private fields, read through accessors: a ref's own
  // enumerable properties are its address only, so a deep comparison or an inspection that
  // skips custom inspect (a failing node:assert's diff) does not walk the whole arena.
  readonly #courier: Courier | null;
  #mailboxCache: unknown = null;
  #counters: StatCounters | null = null;
  #handedOn = false;

  /**
   * How sends through this ref leave the thread; `null` for a ref of no running system.
   * (Internal to the runtime.)
   *
   * @ignore
   */
  get courier(): Courier | null {
    return this.#courier;
  }

  /**
   * The courier's handle on this ref's mailbox, cached on the ref (refs live in one thread; their
   * courier checks the handle's offset is still the actor's mailbox). (Internal to the runtime.)
   *
   * @ignore
   */
  get mailboxCache(): unknown {
    return this.#mailboxCache;
  }

  /** @ignore */
  set mailboxCache(handle: unknown) {
    this.#mailboxCache = handle;
  }

  /**
   * Where the actor's counters are, on the one ref its own thread sends with (`self`): sends
   * with it as the sender are counted there. `null` on every other ref. (Internal to the
   * runtime.)
   *
   * @ignore
   */
  get counters(): StatCounters | null {
    return this.#counters;
  }

  /** @ignore */
  set counters(counters: StatCounters | null) {
    this.#counters = counters;
  }

  /**
   * @internal Set once this ref, a reply address (it has a reply tag), was passed on as the
   * sender of a message (`send(x, { sender })`): the reply duty went with it, so a handler that
   * fails after passing its request on does not tell the caller that no reply will come.
   */
  get handedOn(): boolean {
    return this.#handedOn;
  }

  /** @internal */
  set handedOn(handedOn: boolean) {
    this.#handedOn = handedOn;
  }

  /**
   * Refs are made by the actor system and by the codec, not by users.
   *
   * @ignore
   */
  constructor(
    slot: number,
    generation: number,
    tag: number,
    courier: Courier | null,
    node = 0,
  ) {
    this.slot = slot;
    this.generation = generation;
    this.tag = tag;
    this.node = node;
    this.#courier = courier;
  }

  /**
   * Sends `message` to the actor. Returns at once: delivery is asynchronous, in order per
   * sender. A message to an actor that has stopped becomes a dead letter (counted and
   * observable on the system; never an error for the sender).
   *
   * @param message the message; any value the codec can write (see `registerMessage`).
   * @param options who the sender is, when not the current actor.
   * @throws {ActorNotStartedError} when the ref belongs to no running actor system.
   * @throws {CodecError} when the message cannot be written (naming the path inside it).
   * @throws {MessageTooLargeError} when the message is larger than any mailbox can take.
   * @throws {RangeError} when `options.deadline` is not a positive finite number.
   * @throws {TypeError} when `options` is no object, `options.sender` is no ActorRef or a ref of
   * another actor system, or `options.deadline` is no number.
   */
  send(message: M, options?: SendOptions): void {
    const courier = this.courier;
    if (courier === null) {
      throw new ActorNotStartedError(
        `cannot send to ${this}: it belongs to no running actor system; spawn the actor with ` +
          `system.spawn(...) and send through the ref spawn returns`,
      );
    }
    if (options === undefined) {
      courier.deliver(
        this as ActorRef<unknown>,
        message,
        currentSender ?? asyncSender() ?? null,
      );
      return;
    }
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `send options must be an object ({ sender, deadline }), got ${describeValue(options)}`,
      );
    }
    let sender = options.sender;
    if (sender === undefined) sender = currentSender ?? asyncSender() ?? null;
    else if (sender !== null) {
      checkSender(sender, this as ActorRef<unknown>, courier);
      if (sender.tag !== 0) sender.handedOn = true;
    }
    const deadline = options.deadline ?? 0;
    if (typeof deadline !== "number") {
      // Compared as a number, "5" or true is a moment of 1970: a dead letter at once.
      throw new TypeError(
        `deadline must be a number of ms since the epoch (e.g. Date.now() + 500, or ` +
          `date.getTime()), got ${typeof deadline} ${describeValue(deadline)}`,
      );
    }
    if (
      options.deadline !== undefined && !(deadline > 0 && deadline < Infinity)
    ) {
      throw new RangeError(
        `deadline must be a time in ms since the epoch (e.g. Date.now() + 500), got ${deadline}`,
      );
    }
    courier.deliver(this as ActorRef<unknown>, message, sender, deadline);
  }

  /** Whether `other` addresses the same actor (the reply tag does not matter). */
  equals(other: unknown): boolean {
    return other instanceof ActorRef && other.slot === this.slot &&
      other.generation === this.generation && other.node === this.node &&
      other.courier === this.courier;
  }

  /** `ActorRef(Name#slot.generation)`, with `@node` after it for another process's actor. */
  toString(): string {
    const name = this.courier?.describe(this as ActorRef<unknown>) ??
      "unstarted";
    const node = this.node === 0 ? "" : `@${this.node}`;
    return `ActorRef(${name}#${this.slot}.${this.generation}${node})`;
  }

  /**
   * How `console.log` and `Deno.inspect` show a ref: as {@link toString} does, never the
   * runtime behind it (its courier reaches the whole arena, up to a GiB of shared memory).
   *
   * @ignore
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /**
   * How `node:util`'s `inspect` (and so a failing `node:assert` diff) shows a ref: as
   * {@link toString} does.
   *
   * @ignore
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * An actor's key among all the cluster's: its node, slot and generation (not a ref's reply tag).
 * An ended actor's slot may be the next actor's, so the generation is part of it.
 */
export function actorKey(ref: ActorRef<unknown>): string {
  return `${ref.node}:${ref.slot}.${ref.generation}`;
}

/**
 * Checks `sender`, a send's `options.sender` to `target`: a ref of the system the message is sent
 * in. The envelope carries only its slot and generation, so another system's ref would name
 * whichever actor of this system has them: the receiver's reply would go to it.
 * @throws {TypeError} when it is no ActorRef, or another system's.
 */
function checkSender(sender: unknown, target: ActorRef<unknown>, courier: Courier): void {
  if (!(sender instanceof ActorRef)) {
    throw new TypeError(
      `a send's sender must be an ActorRef (or null: no sender), got ${describeValue(sender)}`,
    );
  }
  if (sender.courier !== courier) {
    throw new TypeError(
      `${sender} belongs to another actor system than ${target}: a message's sender must be an ` +
        `actor of the system it is sent in (or null: no sender)`,
    );
  }
}

/**
 * Checks that `ref`, an argument of `what`, is an actor's ref: the system's calls and an actor's
 * context calls that take one refuse anything else at once, rather than fail later, far away.
 * @throws {TypeError} when it is not.
 */
export function checkRef(ref: unknown, what: string): asserts ref is ActorRef<unknown> {
  if (!(ref instanceof ActorRef)) {
    throw new TypeError(`${what} needs an ActorRef, got ${describeValue(ref)}`);
  }
}
