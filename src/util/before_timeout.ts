/**
 * A wait bounded in time, whose timer never outlives it.
 *
 * @module
 */

/** What {@link beforeTimeout} gives when the time ran out first. */
export const TIMED_OUT: unique symbol = Symbol("timed out");

/** `promise`'s value, or {@link TIMED_OUT} once `ms` passed first; the timer is cleared either way. */
export async function beforeTimeout<T>(
  promise: Promise<T>,
  ms: number,
): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `promise`'s value, or an `Error` saying `late` once `ms` passed first. What the promise ends
 * with after that has nobody waiting: its rejection is not left unhandled (the caller was told).
 */
export async function withinOrFail<T>(promise: Promise<T>, ms: number, late: string): Promise<T> {
  const settled = await beforeTimeout(promise, ms);
  if (settled !== TIMED_OUT) return settled;
  promise.catch(() => {});
  throw new Error(late);
}
