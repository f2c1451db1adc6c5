import { describe, expect, it } from 'vitest';
import { bareUsageCode, usageText } from './index.js';

describe('用法 given as a code only', () => {
  it('is recognised as a code, with or without a space, and words are left as they are', () => {
    expect(bareUsageCode('用法コード006')).toBe('006');
    expect(bareUsageCode('用法コード 018')).toBe('018');
    expect(bareUsageCode('１日１回朝食後')).toBeNull();
    expect(bareUsageCode('用法コード006 食後')).toBeNull();
    expect(bareUsageCode(null)).toBeNull();
  });

  it('prints as 「用法コード NNN」 marked as having no name table, and words as words', () => {
    expect(usageText('用法コード006')).toBe('用法コード 006（名称表なし）');
    expect(usageText('１日２回朝夕食後')).toBe('１日２回朝夕食後');
    expect(usageText(null)).toBe('');
  });
});
