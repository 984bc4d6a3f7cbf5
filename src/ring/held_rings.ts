/**
 * Rings held back during a run of a thread's receive loop: a thread that sends many records to
 * one receiver while it serves a run of messages (a Worker whose actors send to other nodes,
 * through the outbox) wakes that receiver once, when the run ends, not at its first record. A
 * wake-up costs ~20–60 µs here (the ringing thread's notify and the woken thread's event loop
 * turn), and a receiver woken at the first record drains the run in pieces: the outbox's drain
 * then publishes several small batches instead of one (measured: 64 actors answering across
 * processes, 25 records a batch, ~40 with the rings held, and a third less CPU a round trip).
 *
 * Per thread (a module's state is per isolate). Only a handle that allows it holds its ring
 * (`Mailbox.holdsRings`), and only while the receive loop is in a run ({@link holdRings}): a
 * send from a timer or a settled promise rings at once, as before. Whatever is about to wait
 * (the loop's spin and park, a sender meeting a full mailbox, any doorbell park) rings what is
 * held first, so no receiver sleeps while records it was not told of wait for it.
 *
 * @module
 */

/** What holds its ring back: a mailbox handle (see Mailbox.holdsRings). */
export interface HeldRing {
  /** Rings the receiver now. */
  ringNow(): void;
}

/** The thread's held rings, and whether rings are held now (read on each send that may hold). */
export const heldRings = {
  /** Whether the thread's receive loop is in a run: rings of handles that allow it wait. */
  holding: false,
  /** The handles whose rings wait, each once. */
  waiting: [] as HeldRing[],
};

/** A run of the receive loop begins: the rings of handles that allow it wait until it ends. */
export function holdRings(): void {
  heldRings.holding = true;
}

/** Rings what waits; `runEnds`: the run ended, rings go at once again. */
export function ringHeld(runEnds = false): void {
  if (runEnds) heldRings.holding = false;
  const waiting = heldRings.waiting;
  if (waiting.length === 0) return;
  // Emptied first: a ring never holds again inside this loop, but stays correct if it did.
  heldRings.waiting = [];
  for (const ring of waiting) ring.ringNow();
}
