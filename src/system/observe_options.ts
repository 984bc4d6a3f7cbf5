/**
 * The shapes of `ActorSystem.observe`: its options, the live view it opens, and the entry of the
 * live view's code (src/observe/live/server.ts), which only `observe()` loads, on its first call.
 * Written here, on the system's side, so that the system names them without importing that code:
 * even a type import would put its modules in the graph of every program, and of every Worker.
 *
 * @module
 */

import type { ActorFailure, DeadLetter } from "./options.ts";
import type { SystemSnapshot } from "./snapshot.ts";

/** Options of `ActorSystem.observe`: where the live view listens, and who may look. */
export interface ObserveOptions {
  /** The port to listen on; 0 (the default) takes any free one (read it from `LiveView.port`). */
  port?: number;
  /**
   * The address to listen on: `"127.0.0.1"` by default, so only this machine can look. Any
   * address other than loopback (`"0.0.0.0"`, a LAN address) requires a {@link token}.
   */
  hostname?: string;
  /**
   * A secret every request must carry, as `?token=` (the view's `url` has it) or as an
   * `Authorization: Bearer` header; at least 16 characters. Required off loopback, optional on it
   * (e.g. `crypto.randomUUID()`).
   */
  token?: string;
  /** How often the page gets a fresh snapshot, in ms: 500 by default, from 100 to 10000. */
  intervalMs?: number;
}

/**
 * A live view of an actor system, served over HTTP while it is open: a page that shows the
 * Workers and their load, the actors (sortable, a bar for each mailbox's fill), throughput over
 * the last minutes, failures and dead letters as they happen, and the supervision tree. It is
 * read-only: nothing it serves changes the system. It closes with the system's shutdown, or with
 * {@link close} (`await using` closes it too).
 */
export interface LiveView extends AsyncDisposable {
  /** The page's address, with the token if there is one: open it in a browser. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The address it listens on. */
  readonly hostname: string;
  /** Stops serving: open pages stop updating, and the port is free once this settles. */
  close(): Promise<void>;
}

/** What a live view reads of a system: nothing that could change it. */
export interface ObservedSystem {
  inspect(): SystemSnapshot;
  /**
   * What the actors that have ended counted, in all: the snapshot lists only the live ones, so a
   * view's totals of failures and restarts would drop each time an actor that failed ends.
   */
  ended(): { failures: number; restarts: number };
  /** Failures, watched: a failure nobody listens to still goes to `console.error`. */
  onFailure(listener: (failure: ActorFailure) => void): () => void;
  /** Dead letters, watched: the first few nobody listens to still go to `console.warn`. */
  onDeadLetter(listener: (deadLetter: DeadLetter) => void): () => void;
}

/**
 * The live view's entry (`serveLiveView` in src/observe/live/server.ts, which is declared with
 * this type): serves a view of `system`. `closeWithSystem` registers the view's close with the
 * system's shutdown and returns how to take it back, which the view does when it closes first.
 */
export type ServeLiveView = (
  system: ObservedSystem,
  options: ObserveOptions,
  closeWithSystem: (close: () => Promise<void>) => () => void,
) => LiveView;
