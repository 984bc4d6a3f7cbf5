/**
 * Message class ids: 22 bits derived from the registered name alone, so every Worker computes the
 * same id for the same name without coordinating. FNV-1a (32-bit) over the name's UTF-8 bytes,
 * xor-folded to 22 bits: `id = (h >>> 22) ^ (h & 0x3fffff)`.
 *
 * @module
 */

/** Number of bits in a class id: 6 in the tag byte, 16 in the next two bytes. */
export const CLASS_ID_BITS = 22;

const UTF8 = new TextEncoder();

/**
 * The 22-bit class id of a registered name.
 *
 * @param name the name a class is registered under.
 */
export function classId(name: string): number {
  let h = 0x811c9dc5;
  for (const byte of UTF8.encode(name)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h >>>= 0;
  return ((h >>> CLASS_ID_BITS) ^ (h & 0x3fffff)) >>> 0;
}

/** A class id as the three bytes that start an encoded instance: tag, then two bytes. */
export function classIdBytes(id: number): [number, number, number] {
  return [0xc0 | (id >>> 16), (id >>> 8) & 0xff, id & 0xff];
}

/** A class id for messages: `0x` and six hex digits. */
export function formatClassId(id: number): string {
  return "0x" + id.toString(16).padStart(6, "0");
}
