/** Version 1 of a message class the version-safety test sends: fields a, b. */
import { message } from "../../mod.ts";

@message({ name: "test.Versioned" })
export class Versioned {
  constructor(readonly a = 0, readonly b = 0) {}
}

/** A class both versions lay out the same way. */
@message({ name: "test.Same" })
export class Same {
  constructor(readonly a = 0) {}
}
