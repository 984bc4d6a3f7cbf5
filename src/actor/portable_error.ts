/**
 * Errors that cross threads: what a handler throws may hold anything (functions, cycles,
 * unregistered classes), so failures travel as plain copies that the codec can always write.
 *
 * @module
 */

/** A copy of a thrown value that the codec can always carry: name, message and stack. */
export function portableError(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(`a non-Error value was thrown: ${String(error)}`);
  const copy = new Error(error.message);
  copy.name = error.name;
  copy.stack = error.stack;
  return copy;
}

/** `Name: message` of a thrown value, for reasons and logs. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
