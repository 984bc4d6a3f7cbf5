/**
 * Error classes a thread knows by name: an error of one of them that travels as a generic error
 * (name, message, stack, cause: it is no registered message class) is decoded as an instance of
 * it, not as a plain `Error` bearing the name. Ringmail's own errors are known so (see
 * src/system/errors.ts): `instanceof ActorKilledError` holds wherever a `Terminated` arrives.
 * Unlike a registration, it claims nothing of the class: users may register it, or subclass it.
 *
 * @module
 */

const known = new Map<string, abstract new (...args: never[]) => Error>();

/** Makes the thread decode errors named as `errorClass` is into instances of it. */
export function knowErrorClass(errorClass: abstract new (...args: never[]) => Error): void {
  known.set(errorClass.name, errorClass);
}

/** The error class known by `name` (see {@link knowErrorClass}), if any. */
export function knownErrorClass(
  name: string,
): (abstract new (...args: never[]) => Error) | undefined {
  return known.get(name);
}
