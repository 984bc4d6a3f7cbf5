/** Another module's `Start`, with other fields: both register under their default names. */
import { message } from "../../mod.ts";

@message()
export class Start {
  constructor(readonly count = 0, readonly label = "b") {}
}
