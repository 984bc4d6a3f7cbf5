/**
 * Subclasses of FirstBase in a module of their own: one that inherits FirstBase's `module` (what
 * a newcomer writes: it points at first_hour_base.ts, which does not have it), one that sets its own.
 */
import { FirstBase } from "./first_hour_base.ts";

export class Elsewhere extends FirstBase {}

export class ElsewhereOwnModule extends FirstBase {
  static override readonly module = import.meta.url;
}
