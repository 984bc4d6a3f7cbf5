/**
 * Why a mailbox closed, for the threads whose messages were on their way into it. A message that
 * meets a closed mailbox — a Worker blocked for room in it, a backlog waiting for room — becomes
 * a dead letter; of kind "stopped" when its actor stopped, but the system closes the mailboxes of
 * the actors that end with their Worker (killed, died, cut off by a shutdown), and what was on
 * its way into those ends as what was in them did ("worker-died", "shutdown"). The thread that
 * holds such a message cannot ask the system's registry: the closer says why in the mailbox's
 * header word {@link CLOSED_AS_WORD} before it closes it (the close orders the store before any
 * sender sees the mailbox closed). Cleared with the other words of the layers above when the
 * mailbox is reused (`Mailbox.reopen`).
 *
 * @module
 */

import { DEAD_LETTER_KINDS, type DeadLetterKind } from "../actor/mod.ts";
import { type Mailbox, MAILBOX_USER_WORD } from "../ring/mod.ts";

/**
 * Mailbox header word: 1 + the index in DEAD_LETTER_KINDS of the kind of dead letter a message
 * on its way into the closed mailbox becomes (0: "stopped", its actor stopped). Written once, by
 * the thread that closes the mailbox, before it closes it.
 */
export const CLOSED_AS_WORD = MAILBOX_USER_WORD + 4;

/**
 * Closes `mailbox` because its actor ended with its Worker: what is on its way into it becomes a
 * dead letter of `kind` (see the module).
 */
export function closeAs(mailbox: Mailbox, kind: DeadLetterKind): void {
  mailbox.setUserWord(CLOSED_AS_WORD, DEAD_LETTER_KINDS.indexOf(kind) + 1);
  mailbox.close();
}

/**
 * The dead letter a message for the actor `name` becomes, which met `mailbox` closed: "stopped"
 * unless the system closed it as its actor ended with its Worker (see {@link closeAs}).
 */
export function closedLetter(
  mailbox: Mailbox,
  name: string,
): { kind: DeadLetterKind; reason: string } {
  const kind = DEAD_LETTER_KINDS[mailbox.userWord(CLOSED_AS_WORD) - 1];
  switch (kind) {
    case "worker-died":
      return { kind, reason: `${name} ended: its Worker died` };
    case "shutdown":
      return { kind, reason: `${name} ended: the actor system shut down while it ran` };
    default:
      return { kind: "stopped", reason: `${name} has stopped` };
  }
}
