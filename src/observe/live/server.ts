/**
 * The live view's HTTP server: `Deno.serve` on loopback (or, with a token, elsewhere), serving the
 * page, its script and style, the state as JSON, and a Server-Sent Events stream that pushes
 * each snapshot and each failure and dead letter. Read-only: it answers GET (and HEAD) only, and
 * reads the system only through what `observe()` hands it, which loads this module on its first
 * call, so programs that never observe (and Workers) never load it.
 *
 * @module
 */

import type { LiveView, ObservedSystem, ServeLiveView } from "../../system/observe_options.ts";
import { checkObserveOptions, refusal, type ViewSettings } from "./access.ts";
import { ObserveError } from "./errors.ts";
import { LiveFeed } from "./feed.ts";
import { PAGE_SCRIPT } from "./client.ts";
import { PAGE_STYLE, pageHtml } from "./page.ts";

/** Headers of every answer: nothing cached (it is live), nothing loaded from elsewhere. */
const COMMON_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self' " +
    "'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
};

function answer(body: BodyInit, type: string, status = 200): Response {
  return new Response(body, { status, headers: { ...COMMON_HEADERS, "content-type": type } });
}

/** A live view being served (see {@link serveLiveView}). */
class LiveViewServer implements LiveView {
  readonly url: string;
  readonly port: number;
  readonly hostname: string;
  readonly #settings: ViewSettings;
  readonly #feed: LiveFeed;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #onClose: () => void;
  #closing: Promise<void> | null = null;

  constructor(system: ObservedSystem, settings: ViewSettings, onClose: () => void) {
    this.#settings = settings;
    this.#onClose = onClose;
    this.hostname = settings.hostname;
    this.#feed = new LiveFeed(system, settings.intervalMs);
    try {
      this.#server = Deno.serve({
        port: settings.port,
        hostname: settings.hostname,
        onListen: () => {}, // no "Listening on" line in the program's output
        handler: (request) => this.#handle(request),
      });
    } catch (error) {
      this.#feed.close();
      throw listenFailure(settings, error);
    }
    this.port = this.#server.addr.port;
    const host = settings.hostname.includes(":") ? `[${settings.hostname}]` : settings.hostname;
    const query = settings.token === null ? "" : `?token=${encodeURIComponent(settings.token)}`;
    this.url = `http://${host}:${this.port}/${query}`;
  }

  close(): Promise<void> {
    return this.#closing ??= (async () => {
      this.#onClose();
      this.#feed.close(); // ends the pages' streams, so the server's shutdown need not wait
      await this.#server.shutdown();
    })();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #handle(request: Request): Response {
    const url = new URL(request.url);
    const refused = refusal(request, url, this.#settings.token);
    if (refused !== null) return refused;
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("the live view is read-only: GET only\n", {
        status: 405,
        headers: { ...COMMON_HEADERS, allow: "GET, HEAD" },
      });
    }
    switch (url.pathname) {
      case "/":
      case "/index.html":
        return answer(pageHtml(this.#settings.token), "text/html; charset=utf-8");
      case "/app.js":
        return answer(PAGE_SCRIPT, "text/javascript; charset=utf-8");
      case "/app.css":
        return answer(PAGE_STYLE, "text/css; charset=utf-8");
      case "/api/snapshot":
        return answer(JSON.stringify(this.#feed.state), "application/json");
      case "/api/stream":
        return answer(this.#feed.stream(), "text/event-stream");
      default:
        return answer(`no ${url.pathname} here: the live view is at /\n`, "text/plain", 404);
    }
  }
}

/** Why the server could not listen, with the fix. */
function listenFailure(settings: ViewSettings, error: unknown): Error {
  const where = `${settings.hostname}:${settings.port}`;
  if (error instanceof Deno.errors.AddrInUse) {
    return new ObserveError(
      `the live view cannot listen on ${where}: the port is taken (port 0 takes any free one)`,
      { cause: error },
    );
  }
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return new ObserveError(
      `the live view needs network access to listen on ${where}: run with ` +
        `--allow-net=${settings.hostname}`,
      { cause: error },
    );
  }
  return new ObserveError(
    `the live view cannot listen on ${where}: ${error instanceof Error ? error.message : error}` +
      ` (check the hostname option: an address of this machine, such as 127.0.0.1)`,
    { cause: error },
  );
}

/**
 * Serves a live view of `system`: what `ActorSystem.observe` does once it has loaded this module
 * (see `ServeLiveView`).
 * @throws {ObserveError} for options that do not hold, or when it cannot listen.
 */
export const serveLiveView: ServeLiveView = (system, options, closeWithSystem) => {
  let forget = () => {};
  const view = new LiveViewServer(system, checkObserveOptions(options), () => forget());
  forget = closeWithSystem(() => view.close());
  return view;
};
