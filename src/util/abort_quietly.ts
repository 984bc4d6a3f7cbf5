/**
 * Aborts waits whose abort reason nobody reads (a wait for records or for room that is no longer
 * needed). `abort()` with no reason makes a DOMException, and with it a stack trace: ~2.9 µs an
 * abort against ~0.4 µs with a reason of our own (measured, listener included), ~1% of the
 * calling thread of a 10,000-call fan-out, whose reply pump stops waiting at each round's end.
 *
 * @module
 */

/** The reason of a quiet abort: not an error, nobody's to see. */
const WAIT_ENDED = "the wait is no longer needed";

/** Aborts `controller` (if any) with a reason that costs nothing to make. */
export function abortQuietly(controller: AbortController | null | undefined): void {
  controller?.abort(WAIT_ENDED);
}
