/**
 * Who may look at a live view: the options' checks (an address off loopback needs a token) and
 * each request's (its token, and without one, a Host header naming loopback — so that a web page
 * elsewhere cannot read the view through a DNS name it points at 127.0.0.1).
 *
 * @module
 */

import type { ObserveOptions } from "../../system/observe_options.ts";
import { ObserveError } from "./errors.ts";

/** A token shorter than this is refused: it could be guessed. */
const MIN_TOKEN_LENGTH = 16;
const DEFAULT_INTERVAL_MS = 500;
const MIN_INTERVAL_MS = 100;
/**
 * The longest interval: well within the inspector's sampling window (KEEP_SAMPLING_MS, 15 s),
 * which stops sampling once nobody inspected for that long. A view that inspected less often
 * would restart the sampling at each snapshot, and a rate needs two samples: every snapshot
 * read 0 messages per second and every Worker idle, however busy the actors were.
 */
export const MAX_INTERVAL_MS = 10_000;

/** The options, checked, with their defaults. */
export interface ViewSettings {
  readonly port: number;
  readonly hostname: string;
  readonly token: string | null;
  readonly intervalMs: number;
}

/** Whether `hostname` (an address, a name, or a Host header's name part) is this machine only. */
export function isLoopback(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return name === "localhost" || name === "::1" || /^127(\.\d{1,3}){3}$/.test(name);
}

/** A value as an error message shows it: a string in quotes, so "8080" is not read as 8080. */
function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 60)) : String(value);
}

/**
 * Checks the options and applies their defaults.
 * @throws {TypeError} when `options` is no object.
 * @throws {ObserveError} when an option is wrong, saying which and what it was.
 */
export function checkObserveOptions(options: ObserveOptions): ViewSettings {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`observe's options must be an object, got ${shown(options)}`);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ObserveError(
      `port must be an integer from 0 to 65535 (0: any free port), got ${shown(port)}`,
    );
  }
  const hostname = options.hostname ?? "127.0.0.1";
  if (typeof hostname !== "string" || hostname.length === 0) {
    throw new ObserveError(
      `hostname must be a string naming an address of this machine, got ${shown(hostname)}`,
    );
  }
  const token = options.token ?? null;
  if (token === null && !isLoopback(hostname)) {
    throw new ObserveError(
      `a live view on ${hostname} can be reached from other machines: give it a token ` +
        `(observe({ hostname: "${hostname}", token: crypto.randomUUID() })), which every request ` +
        `must then carry, or leave hostname out to listen on 127.0.0.1 only`,
    );
  }
  // A request carries it in a URL or an `Authorization: Bearer` header, which cannot hold spaces.
  if (
    token !== null &&
    (typeof token !== "string" || token.length < MIN_TOKEN_LENGTH || /\s/.test(token))
  ) {
    throw new ObserveError(
      `the token must be a string of at least ${MIN_TOKEN_LENGTH} characters, with no spaces, to ` +
        `be hard to guess and fit a request's header (crypto.randomUUID() makes one)`,
    );
  }
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  // Past the sampling window every rate would read 0 (see MAX_INTERVAL_MS).
  if (
    !Number.isFinite(intervalMs) || intervalMs < MIN_INTERVAL_MS || intervalMs > MAX_INTERVAL_MS
  ) {
    throw new ObserveError(
      `intervalMs must be a number of ms from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS} (the ` +
        `rates need a snapshot at least that often), got ${shown(intervalMs)}`,
    );
  }
  return { port, hostname, token, intervalMs };
}

/** The token a request carries: `?token=`, or `Authorization: Bearer`; null if none. */
function tokenOf(request: Request, url: URL): string | null {
  const query = url.searchParams.get("token");
  if (query !== null) return query;
  const header = request.headers.get("authorization");
  const bearer = header?.match(/^Bearer\s+(\S+)$/i);
  return bearer ? bearer[1] : null;
}

/** Compares in time that does not depend on where the strings differ. */
function sameSecret(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let differ = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) differ |= (a[i] ?? 0) ^ b[i];
  return differ === 0;
}

/**
 * Why `request` may not look, as the response to send; null when it may. With a token, the token
 * decides; without one (loopback only), the Host header must name loopback too.
 */
export function refusal(request: Request, url: URL, token: string | null): Response | null {
  if (token !== null) {
    const given = tokenOf(request, url);
    if (given === null) {
      return new Response("this live view needs its token: open the URL observe() returned\n", {
        status: 401,
        headers: { "www-authenticate": 'Bearer realm="ringmail live view"' },
      });
    }
    if (!sameSecret(given, token)) {
      return new Response("wrong token for this live view\n", { status: 403 });
    }
    return null;
  }
  const host = request.headers.get("host") ?? "";
  const hostname = host.replace(/:\d+$/, "");
  if (!isLoopback(hostname)) {
    return new Response(
      `this live view answers only requests to 127.0.0.1 or localhost, not to ${host}\n`,
      { status: 403 },
    );
  }
  return null;
}
