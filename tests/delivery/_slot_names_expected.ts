/** The name slot_names_test.ts gives each actor: its slot's blocks change size class as it goes. */
export function expectedName(slot: number, generation: number): string {
  return `s${slot}.g${generation}` + "-".repeat(generation % 90);
}
