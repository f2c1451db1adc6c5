/**
 * 負担区分: one character naming which of the medical insurance (医保) and the
 * four 公費 bear a line's cost. As a bitmask, left to right: 医保, 第一〜第四公費
 * (the table of the 記録条件仕様 as receiptisan's futan_kubun.rb records it).
 */
export type Payer = 'insurance' | 'public1' | 'public2' | 'public3' | 'public4';

const ORDER: readonly Payer[] = ['insurance', 'public1', 'public2', 'public3', 'public4'];

const BITS: Record<string, number> = {
  '1': 0b10000, '5': 0b01000, '6': 0b00100, B: 0b00010, C: 0b00001,
  '2': 0b11000, '3': 0b10100, E: 0b10010, G: 0b10001, '7': 0b01100, H: 0b01010, I: 0b01001, J: 0b00110, K: 0b00101, L: 0b00011,
  '4': 0b11100, M: 0b11010, N: 0b11001, O: 0b10110, P: 0b10101, Q: 0b10011, R: 0b01110, S: 0b01101, T: 0b01011, U: 0b00111,
  V: 0b11110, W: 0b11101, X: 0b11011, Y: 0b10111, Z: 0b01111,
  '9': 0b11111,
};

/** Who bears a line's cost, in the order 医保, 公1…公4; undefined for a code that is not a 負担区分. */
export function payersOf(burden: string): Payer[] | undefined {
  const bits = BITS[burden];
  if (bits === undefined) return undefined;
  return ORDER.filter((_, i) => (bits & (0b10000 >> i)) !== 0);
}

/** Whether a 負担区分 code is one (payersOf without the list). */
export function isBurden(burden: string): boolean {
  return BITS[burden] !== undefined;
}
