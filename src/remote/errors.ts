/**
 * The errors of a cluster's names.
 *
 * @module
 */

import { RingmailError } from "../errors.ts";

/**
 * A name is taken in the cluster already (`system.register`).
 *
 * @example
 * ```ts
 * import { NameTakenError } from "@ringmail/actors/errors";
 *
 * const error = new NameTakenError("the name \"cart\" is taken in this cluster already");
 * console.log(error instanceof NameTakenError); // true
 * ```
 */
export class NameTakenError extends RingmailError {}

/**
 * No actor has this name in the cluster (`system.lookup`).
 *
 * @example
 * ```ts
 * import { NameNotFoundError } from "@ringmail/actors/errors";
 *
 * const error = new NameNotFoundError("no actor is named \"cart\" in this cluster");
 * console.log(error instanceof NameNotFoundError); // true
 * ```
 */
export class NameNotFoundError extends RingmailError {}
