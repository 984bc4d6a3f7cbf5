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

/**
 * The cluster could not answer a `register` or `lookup` in time: the NATS server did not reply
 * (stopped, restarting, or this node is reconnecting), or the node that holds the name did not
 * (it froze or is cut off, and is not declared down yet). The name may well exist: a retry may
 * succeed. Its `cause` is the NATS client's error.
 *
 * @example
 * ```ts
 * import { ClusterUnavailableError } from "@ringmail/actors/errors";
 *
 * const error = new ClusterUnavailableError("no answer within 5000 ms to a lookup of \"cart\"");
 * console.log(error instanceof ClusterUnavailableError); // true
 * ```
 */
export class ClusterUnavailableError extends RingmailError {}

/**
 * This node was found down by another node of the cluster (it did not answer that node for its
 * `downAfterMs`: it was frozen, or cut off), and a node found down stays down: it is a dead
 * incarnation there, its actors dead to it. It registers no names (they would point the nodes
 * that found it down at actors dead to them); restart it, as a new node, to register again.
 *
 * @example
 * ```ts
 * import { NodeFoundDownError } from "@ringmail/actors/errors";
 *
 * const error = new NodeFoundDownError("cannot register \"cart\": node 7 found this node down");
 * console.log(error instanceof NodeFoundDownError); // true
 * ```
 */
export class NodeFoundDownError extends RingmailError {}
