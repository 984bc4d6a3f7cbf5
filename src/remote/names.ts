/**
 * Names across a cluster (`system.register`, `system.lookup`), two ways:
 *
 * - **A KV bucket** (`ringmail_<cluster>_names`), when the NATS server has JetStream: a name is
 *   taken by an atomic create, so two nodes registering one name at the same instant cannot both
 *   have it. A name held by a node that is down (it answers no ping) is taken over atomically,
 *   by revision; a node gives its names up when it leaves.
 * - **Subscriptions**, when it has not: the node holding a name answers on
 *   `<prefix>.name.<hex of the name>`; a node that ends takes its names with it. Two nodes
 *   registering one name at the same instant may both succeed.
 *
 * Keys and subjects are the name's UTF-8 bytes in hex, so any name is allowed.
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";
import { decode, encode } from "../codec/mod.ts";
import type { SystemCourier } from "../delivery/mod.ts";
import { RingmailError } from "../errors.ts";
import { messageOf } from "../actor/mod.ts";
import { ClusterUnavailableError, NameNotFoundError, NameTakenError } from "./errors.ts";
import {
  flushWithin,
  isNoResponders,
  type KV,
  Kvm,
  type NatsConnection,
  onMessage,
  type Subscription,
} from "./nats.ts";
import type { PingResult } from "./peers.ts";

/** How long a register waits for the server to know of the name's subscription. */
const REGISTER_FLUSH_MS = 5_000;

/** What names need of their node. */
export interface NamesHost {
  /** This node's id. */
  readonly node: number;
  /** The cluster's subject prefix, `ringmail.<cluster>`. */
  readonly prefix: string;
  /** The system thread's courier: refs are written and read through it. */
  readonly courier: SystemCourier;
}

/** The cluster's names, as one node sees them. */
export interface Names {
  /** Names `ref` `name`. @throws {NameTakenError} when another actor has it. */
  register(name: string, ref: ActorRef<unknown>): Promise<void>;
  /** Gives the name up, if this node holds it. */
  unregister(name: string): Promise<void>;
  /** The actor named `name`. @throws {NameNotFoundError} when there is none. */
  lookup(name: string, timeoutMs: number): Promise<ActorRef<unknown>>;
  /**
   * This node leaves: its names go with it. `reachable`: whether the server can be asked to give
   * them up now; if not, they stay registered until another node takes one over (a name whose
   * holder is down is free), and a warning says so.
   */
  close(reachable: boolean): Promise<void>;
}

/** A name as a subject token or KV key: its UTF-8 bytes in hex. */
function hexOf(name: string): string {
  if (typeof name !== "string" || name.length === 0) {
    throw new TypeError(
      `an actor's name in the cluster is a non-empty string, got ${name}`,
    );
  }
  return Array.from(
    new TextEncoder().encode(name),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

function taken(name: string): NameTakenError {
  return new NameTakenError(
    `the name ${JSON.stringify(name)} is taken in this cluster already: unregister it first, ` +
      `or choose another`,
  );
}

function notFound(name: string, cause?: unknown): NameNotFoundError {
  return new NameNotFoundError(
    `no actor is named ${JSON.stringify(name)} in this cluster: register it first ` +
      `(system.register(name, ref)) on the node it lives on`,
    { cause },
  );
}

/**
 * Runs `request`, a question to the cluster about a name (what `what` says); an error of the
 * NATS client (no answer in time, a connection closed) becomes a ClusterUnavailableError, while
 * ringmail's own answers (taken, not found, a bad name) pass as they are.
 */
async function asking<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof RingmailError || error instanceof TypeError) throw error;
    throw new ClusterUnavailableError(
      `could not ${what}: the cluster did not answer (${messageOf(error)}). The NATS server may ` +
        `be stopped or restarting, this node reconnecting, or the node that holds the name ` +
        `frozen or cut off: retry later`,
      { cause: error },
    );
  }
}

/**
 * Names in the cluster's KV bucket, or null when the server has no JetStream.
 * @param ping whether a node answers (a holder that does not is down: its names are free).
 */
export async function openKvNames(
  nc: NatsConnection,
  host: NamesHost,
  ping: (node: number) => Promise<PingResult>,
): Promise<Names | null> {
  let kv: KV;
  try {
    const bucket = `${host.prefix.replaceAll(".", "_")}_names`;
    kv = await new Kvm(nc).create(bucket, { history: 1 });
  } catch (error) {
    if (
      (error as Error)?.name === "JetStreamNotEnabled" || isNoResponders(error)
    ) return null;
    throw error;
  }
  return new KvNames(kv, host, ping);
}

/** Names in a KV bucket: exclusive (see the module doc). */
class KvNames implements Names {
  /**
   * The names this node holds: the revision each was written at, by key. A name another node
   * took over since (this one found down) has moved past it: deleting at that revision then
   * fails, and the new holder's entry stays.
   */
  readonly #held = new Map<string, number>();

  constructor(
    readonly kv: KV,
    readonly host: NamesHost,
    readonly ping: (node: number) => Promise<PingResult>,
  ) {}

  register(name: string, ref: ActorRef<unknown>): Promise<void> {
    return asking(`register ${JSON.stringify(name)}`, () => this.#register(name, ref));
  }

  async #register(name: string, ref: ActorRef<unknown>): Promise<void> {
    const key = hexOf(name);
    const value = encode(ref, this.host.courier);
    let revision: number;
    try {
      revision = await this.kv.create(key, value);
    } catch (error) {
      // Not written for another reason (no answer in time, a closed connection): looking the
      // name up and writing again would fail the same way, each after its own timeout.
      if (!isConflict(error)) throw error;
      // Held already: by a live node it stays theirs; by one that is down it is free.
      const entry = await this.kv.get(key);
      if (entry === null || entry.operation !== "PUT") {
        // Given up between the two looks: try once more.
        try {
          revision = await this.kv.create(key, value);
        } catch (again) {
          if (isConflict(again)) throw withCause(taken(name), again);
          throw again;
        }
      } else {
        const holder = decode(entry.value, this.host.courier) as ActorRef<
          unknown
        >;
        // A holder that found this node down is alive all the same: its name stays its own.
        const holderSays = holder.node === 0 ? "answered" : await this.ping(holder.node);
        if (holderSays === "answered" || holderSays === "found-down") {
          throw withCause(taken(name), error);
        }
        try {
          revision = await this.kv.update(key, value, entry.revision);
        } catch (lost) {
          if (isConflict(lost)) throw withCause(taken(name), lost);
          throw lost;
        }
      }
    }
    this.#held.set(key, revision);
  }

  async unregister(name: string): Promise<void> {
    const key = hexOf(name);
    const revision = this.#held.get(key);
    if (revision === undefined) return;
    await asking(`unregister ${JSON.stringify(name)}`, () => this.#release(key, revision));
    // Held until the server took the delete: a retry after a failure tries again.
    this.#held.delete(key);
  }

  lookup(name: string): Promise<ActorRef<unknown>> {
    return asking(`look up ${JSON.stringify(name)}`, async () => {
      const entry = await this.kv.get(hexOf(name));
      if (entry === null || entry.operation !== "PUT") throw notFound(name);
      return decode(entry.value, this.host.courier) as ActorRef<unknown>;
    });
  }

  async close(reachable: boolean): Promise<void> {
    const held = [...this.#held];
    this.#held.clear();
    if (!reachable) return this.#leftHeld(held.length, "the NATS server is unreachable");
    for (let i = 0; i < held.length; i++) {
      try {
        await this.#release(...held[i]);
      } catch (error) {
        // The server went meanwhile: each of the rest would wait out the client's timeout.
        return this.#leftHeld(held.length - i, messageOf(error));
      }
    }
  }

  /**
   * Deletes the entry of `key` if it is still the one this node wrote (at `revision`): a name
   * another node took over since (this one was found down meanwhile) stays the new holder's.
   */
  async #release(key: string, revision: number): Promise<void> {
    try {
      await this.kv.delete(key, { previousSeq: revision });
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }

  /** Says that this node leaves `count` names registered, because of `why`. */
  #leftHeld(count: number, why: string): void {
    if (count === 0) return;
    console.warn(
      `ringmail: node ${this.host.node} left the cluster still holding ${count} name(s) it ` +
        `could not give up (${why}); another node can register each once it finds this node down`,
    );
  }
}

/**
 * Whether a KV write failed because the key changed first (another node's create or update won),
 * not because the server did not answer.
 */
function isConflict(error: unknown): boolean {
  return /wrong last sequence|key exists/i.test(messageOf(error));
}

/** An error with the error behind it as its cause. */
function withCause<E extends Error>(error: E, cause: unknown): E {
  (error as { cause?: unknown }).cause = cause;
  return error;
}

/** Names answered by subscriptions: the fallback without JetStream (see the module doc). */
export class SubjectNames implements Names {
  readonly #held = new Map<string, Subscription>();

  constructor(readonly nc: NatsConnection, readonly host: NamesHost) {}

  async register(name: string, ref: ActorRef<unknown>): Promise<void> {
    const subject = this.#subject(name);
    if (
      this.#held.has(name) ||
      await asking(`register ${JSON.stringify(name)}`, () => this.#answers(subject))
    ) {
      throw taken(name);
    }
    const bytes = encode(ref, this.host.courier);
    await asking(`register ${JSON.stringify(name)}`, async () => {
      const subscription = this.nc.subscribe(subject, {
        callback: onMessage((msg) => msg.respond(bytes)),
      });
      this.#held.set(name, subscription);
      try {
        // Registered once the server knows: a lookup from any node finds it from now on.
        await flushWithin(this.nc, REGISTER_FLUSH_MS);
      } catch (error) {
        subscription.unsubscribe();
        this.#held.delete(name);
        throw error;
      }
    });
  }

  unregister(name: string): Promise<void> {
    this.#held.get(name)?.unsubscribe();
    this.#held.delete(name);
    return Promise.resolve();
  }

  lookup(name: string, timeoutMs: number): Promise<ActorRef<unknown>> {
    return asking(`look up ${JSON.stringify(name)} within ${timeoutMs} ms`, async () => {
      try {
        const reply = await this.nc.request(this.#subject(name), undefined, {
          timeout: timeoutMs,
        });
        return decode(reply.data, this.host.courier) as ActorRef<unknown>;
      } catch (error) {
        if (isNoResponders(error)) throw notFound(name, error);
        throw error;
      }
    });
  }

  close(_reachable: boolean): Promise<void> {
    // The server drops a subscription with its connection: nothing to ask it.
    for (const subscription of this.#held.values()) subscription.unsubscribe();
    this.#held.clear();
    return Promise.resolve();
  }

  /** Whether anyone answers on `subject` now. */
  async #answers(subject: string): Promise<boolean> {
    try {
      await this.nc.request(subject, undefined, { timeout: 1000 });
      return true;
    } catch (error) {
      if (isNoResponders(error)) return false;
      throw error;
    }
  }

  #subject(name: string): string {
    return `${this.host.prefix}.name.${hexOf(name)}`;
  }
}
