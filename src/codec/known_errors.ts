/**
 * Error classes known by name: an error of one of them that travels as a generic error (name,
 * message, stack, cause: it is no registered message class) is marked as such, with its own
 * primitive fields, by a thread that knows the class as it writes it, and is decoded as an
 * instance of it by a thread that knows it as it reads it — not as a plain `Error` bearing the
 * name. An error of another class that merely has the name is not marked. Ringmail's own errors
 * are known so in every thread (see src/system/errors.ts): `instanceof ActorKilledError` holds
 * wherever a `Terminated` arrives. Unlike a registration, it claims nothing of the class: users
 * may register it, or subclass it.
 *
 * @module
 */

const known = new Map<string, abstract new (...args: never[]) => Error>();

/**
 * Makes the thread mark the errors of `errorClass` it writes, and decode the marked errors of
 * its name into instances of it (see the module doc): bytes written before, or by a thread that
 * does not know it, stay a plain `Error`.
 */
export function knowErrorClass(errorClass: abstract new (...args: never[]) => Error): void {
  known.set(errorClass.name, errorClass);
}

/** The error class known by `name` (see {@link knowErrorClass}), if any. */
export function knownErrorClass(
  name: string,
): (abstract new (...args: never[]) => Error) | undefined {
  return known.get(name);
}
