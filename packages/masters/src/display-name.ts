import type { ModifierPosition } from './model.js';

/** 未コード化傷病名: the receipt writes the disease name itself; use that text as the base name. */
export const UNCODED_DIAGNOSIS_CODE = '0000999';

export interface Modifier {
  name: string;
  position: ModifierPosition;
}

/**
 * The name of a diagnosis as a receipt composes it: the 修飾語 that precede
 * (部位, 性状, …) in their order, the base name, then the suffixes (の疑い, 術後).
 * For code 0000999 the base name is the name written in the receipt.
 *
 * @example
 *   diagnosisDisplayName('急性気管支炎', [{ name: 'の疑い', position: 'suffix' }]); // '急性気管支炎の疑い'
 *   diagnosisDisplayName('骨折', [{ name: '左', position: 'prefix' }, { name: '大腿骨', position: 'prefix' }]); // '左大腿骨骨折'
 */
export function diagnosisDisplayName(baseName: string, modifiers: readonly Modifier[]): string {
  const around = (position: ModifierPosition) =>
    modifiers
      .filter((modifier) => modifier.position === position)
      .map((modifier) => modifier.name)
      .join('');
  return around('prefix') + baseName + around('suffix');
}
