/**
 * What every spawn checks before it takes a slot: that the class can be spawned, that its
 * arguments can cross to its Worker, that its options are in range. Shared by the system's
 * spawns (main thread) and actors' spawns of children (any Worker).
 *
 * @module
 */

import { Actor } from "../actor/mod.ts";
import { CodecError, encode, Writer } from "../codec/mod.ts";
import { describeValue } from "../util/describe_value.ts";
import { notMsError } from "../util/timer_ms.ts";

export { checkRef } from "../actor/mod.ts";
export { describeValue };

/** Classes already checked, and their module URL: a pool spawns many actors of a few classes. */
const checkedClasses = new WeakMap<object, string>();

/** Checks that `actorClass` can be spawned; returns its module URL. */
export function checkActorClass(actorClass: unknown): string {
  const checked = typeof actorClass === "function" ? checkedClasses.get(actorClass) : undefined;
  if (checked !== undefined) return checked;
  if (typeof actorClass !== "function") {
    throw new TypeError(`spawn takes an actor class, got ${typeof actorClass}`);
  }
  const name = actorClass.name || "the class";
  if (!(actorClass.prototype instanceof Actor)) {
    throw new TypeError(`${name} cannot be spawned: it does not extend Actor`);
  }
  const module = (actorClass as { module?: unknown }).module;
  if (typeof module !== "string") {
    throw new TypeError(
      `${name} cannot be spawned: it does not say where its module is; add ` +
        "`static readonly module = import.meta.url` to the class",
    );
  }
  try {
    new URL(module);
  } catch {
    throw new TypeError(
      `${name}.module must be a URL (import.meta.url), got ${JSON.stringify(module)}`,
    );
  }
  checkedClasses.set(actorClass, module);
  return module;
}

/**
 * Encodes constructor arguments for the actor's Worker (null: there are none); a CodecError
 * names the actor. `checkLayouts`: for a Worker of another node (spawnOn), whose classes may be
 * of another version — each class value says its layout, as in a message to another node.
 */
export function encodeArguments(
  name: string,
  args: readonly unknown[],
  context: unknown,
  checkLayouts = false,
): Uint8Array | null {
  // None: nothing to write, and nothing for the Worker to allocate and decode.
  if (args.length === 0) return null;
  try {
    if (checkLayouts) {
      const writer = new Writer(256).reset(context);
      writer.checkLayouts = true;
      writer.value(args);
      return writer.toBytes();
    }
    return encode(args, context);
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    throw new CodecError(
      `cannot send the arguments of ${name} to its Worker: ${error.message}`,
      {
        cause: error,
        path: error.path,
      },
    );
  }
}

/**
 * The name a spawn gives its actor: `name`, or the class's name when it gives none.
 * @throws {TypeError} when `name` is given but is no string, or is empty (the system and the
 * actor's Worker would then call the actor by different names).
 */
export function actorName(name: unknown, actorClass: { name: string }): string {
  if (name === undefined) return actorClass.name;
  if (typeof name !== "string" || name === "") {
    throw new TypeError(
      `an actor's name must be a non-empty string (or left out: the class's name), got ` +
        describeValue(name),
    );
  }
  return name;
}

/**
 * Checks a spawn's `sendTimeout` option: a whole number of ms from 1, as the system's own
 * (undefined: the system's, kept as 0 in the mailbox's header).
 * @throws {TypeError} for one that is no number; {@link RangeError} for one out of range (0
 * included: it would have been taken for the system's default).
 */
export function checkSendTimeout(sendTimeout: number | undefined): number {
  if (sendTimeout === undefined) return 0;
  if (typeof sendTimeout !== "number") throw notMsError("sendTimeout", sendTimeout);
  if (
    !(Number.isInteger(sendTimeout) && sendTimeout >= 1 &&
      sendTimeout <= 0x7fff_ffff)
  ) {
    throw new RangeError(
      `sendTimeout must be a whole number of ms from 1 to 2^31 - 1, got ${sendTimeout} ` +
        `(leave it out for the system's)`,
    );
  }
  return sendTimeout;
}
