/**
 * Classes whose instances keep state where no field layout sees it: `#private` fields, `accessor`
 * fields (backed by private ones), and the platform's classes (URL, Headers, Blob, Temporal,
 * Intl), whose state is the engine's or private. Registered by fields, their instances would
 * encode, then arrive broken or not decode at all; the codec refuses them and says what to send
 * instead.
 *
 * @module
 */

/**
 * What V8 says when code reads or calls a class's `#private` member on an object without it, or
 * when a getter of one of its own classes (Temporal, Intl) meets an object without their internal
 * slots, and what Deno's web classes (URL, Headers, URLSearchParams) say when one of their getters
 * meets such an object.
 */
const BRAND_FAILURE =
  /^(Cannot read private member |Cannot write private member |Receiver must be an instance of class |Object must be an instance of class |Illegal invocation$|Method \S+ called on incompatible receiver |Value of "this" must be of type )/;

/**
 * Why `cls` keeps state that fields cannot carry — a getter of its prototypes that reads it
 * (it fails on a bare object of the class as only a brand check fails) — or null. Its getters
 * are called on that bare object, none on a real instance; so that importing a module runs none
 * of its code, the registry asks only when the class is first encoded or decoded.
 */
export function hiddenStateOf(cls: unknown): string | null {
  if (typeof cls !== "function") return null;
  const bare = Object.create(cls.prototype ?? null);
  for (
    let proto: object | null = cls.prototype ?? null;
    proto !== null && proto !== Object.prototype && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const getter = Object.getOwnPropertyDescriptor(proto, key)?.get;
      if (getter === undefined) continue;
      try {
        getter.call(bare);
      } catch (error) {
        if (error instanceof TypeError && BRAND_FAILURE.test(error.message)) {
          return `its getter "${key}" reads state of its own (#private fields, an accessor ` +
            `field, or the platform's: URL, Headers, Blob, Temporal, Intl)`;
        }
      }
    }
  }
  return null;
}
