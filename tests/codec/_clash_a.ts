/** One module's `Start`: another module declares a `Start` of its own (see registry_test). */
import { message } from "../../mod.ts";

@message()
export class Start {
  constructor(readonly from = "a") {}
}
