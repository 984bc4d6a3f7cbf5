/**
 * The root of every error ringmail throws, so callers can tell ringmail's failures from their
 * own with one `instanceof` check. Each layer defines its specific subclasses beside its code.
 *
 * @example
 * ```ts
 * import { RingmailError } from "@ringmail/actors";
 *
 * try {
 *   throw new RingmailError("something went wrong; here is what to do");
 * } catch (error) {
 *   if (error instanceof RingmailError) console.log(error.name, error.message);
 * }
 * ```
 */
export class RingmailError extends Error {
  /**
   * Makes the error; its `name` is the name of the subclass.
   * @param message what went wrong and what to do about it.
   * @param options the `cause`, when another error led to this one.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
