/**
 * The shapes of `ActorSystem.observe`: its options and the live view it opens. Written here, on
 * the system's side, so that the system names them without loading the live view's code (in
 * src/observe/live/), which only `observe()` loads, on its first call.
 *
 * @module
 */

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
  /** How often the page gets a fresh snapshot, in ms: 500 by default, 100 at least. */
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
