/**
 * The check digit (検証番号) of a 保険者番号, as the 保険者番号設定要領 fixes it:
 * the other digits are multiplied by 2 and 1 in turn from the last one, the
 * digits of the products are summed, and the check digit is 10 minus the last
 * digit of that sum (0 when the sum ends in 0).
 *
 * @example modulus10Weights21('3312001') // 5, as in 33120015
 */
export function modulus10Weights21(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const weight = i % 2 === 0 ? 2 : 1;
    const product = Number(digits[digits.length - 1 - i]) * weight;
    sum += product >= 10 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}
