/**
 * The longest delay a timer keeps: Deno (as browsers) fires a timer of more than 2^31 - 1 ms
 * after 1 ms. An option that becomes a timer's delay is refused past it, not shortened to
 * nothing.
 *
 * @module
 */

import { describeValue } from "./describe_value.ts";

/** The longest delay a timer waits, in ms. */
export const MAX_TIMER_MS = 0x7fff_ffff;

/**
 * The error for `value`, the option `name`, that should be a number of ms and is no number:
 * compared as one, `true` or `"5000"` would pass for a number, and JSON could not show a bigint.
 */
export function notMsError(name: string, value: unknown): TypeError {
  return new TypeError(
    `${name} must be a number of ms, got ${typeof value} ${describeValue(value)}`,
  );
}

/**
 * Checks `value`, the option `name`, as a delay in ms: a positive number a timer can wait.
 * @throws {TypeError} when it is no number.
 * @throws {RangeError} when it is not positive, or longer than {@link MAX_TIMER_MS}.
 */
export function checkTimerMs(name: string, value: unknown): number {
  if (typeof value !== "number") throw notMsError(name, value);
  if (!(value > 0 && value <= MAX_TIMER_MS)) {
    throw new RangeError(
      `${name} must be a positive number of ms up to ${MAX_TIMER_MS} (the longest a timer ` +
        `waits), got ${value}`,
    );
  }
  return value;
}
