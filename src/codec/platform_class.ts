/**
 * Classes whose instances keep state where no field layout sees it: `#private` fields, `accessor`
 * fields (backed by private ones), and the platform's classes (URL, Headers, Blob), whose state
 * is the engine's or private. Registered by fields, their instances would encode, then arrive
 * broken or not decode at all; the codec refuses them and says what to send instead.
 *
 * @module
 */

/** What V8 and Deno's web classes say when a method meets an object without the class's state. */
const BRAND_FAILURE = /private member|Illegal invocation|brand/i;

/**
 * Why `cls` keeps state that fields cannot carry — a getter of its prototypes that reads it
 * (it fails on a bare object of the class as only a brand check fails) — or null. Its getters
 * are called on that bare object: none runs on a real instance.
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
            `field, or the platform's: URL, Headers, Blob)`;
        }
      }
    }
  }
  return null;
}
