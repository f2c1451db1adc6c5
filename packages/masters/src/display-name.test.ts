import { describe, expect, it } from 'vitest';
import { diagnosisDisplayName } from './display-name.js';

describe('diagnosisDisplayName', () => {
  it('puts suffixes after the base name: 急性気管支炎 + 8002 の疑い', () => {
    expect(diagnosisDisplayName('急性気管支炎', [{ name: 'の疑い', position: 'suffix' }])).toBe('急性気管支炎の疑い');
  });

  it('keeps the order of prefixes and of suffixes, wherever they come in the list', () => {
    expect(
      diagnosisDisplayName('骨折', [
        { name: '左', position: 'prefix' },
        { name: 'の疑い', position: 'suffix' },
        { name: '大腿骨', position: 'prefix' },
      ]),
    ).toBe('左大腿骨骨折の疑い');
  });
});
