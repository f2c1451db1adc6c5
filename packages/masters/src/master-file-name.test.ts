import { describe, expect, it } from 'vitest';
import { recognizeMasterFile } from './master-file-name.js';

describe('recognizeMasterFile', () => {
  it('tells full masters from change files by name and place', () => {
    expect(recognizeMasterFile('b_20240601.txt')).toEqual({ kind: 'b', date: '2024-06-01', changes: false });
    expect(recognizeMasterFile('s_ALL20240531.csv')).toEqual({ kind: 's', date: '2024-05-31', changes: false });
    expect(recognizeMasterFile('y_20240906.csv')).toEqual({ kind: 'y', date: '2024-09-06', changes: true });
    expect(recognizeMasterFile('updates/z_20250601.txt')).toEqual({ kind: 'z', date: '2025-06-01', changes: true });
  });

  it('passes over other files and impossible dates', () => {
    expect(recognizeMasterFile('mhlw_yakka_kijun_list_20250716.csv')).toBeNull();
    expect(recognizeMasterFile('README.md')).toBeNull();
    expect(recognizeMasterFile('b_20240601.csv')).toBeNull();
    expect(recognizeMasterFile('y_ALL20240231.csv')).toBeNull();
  });
});
