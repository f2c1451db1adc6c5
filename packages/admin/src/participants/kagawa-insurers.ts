/**
 * The 23 insurers that take part in the Kagawa network, for the demo.
 *
 * The numbers follow the 保険者番号 structure (国保: 都道府県 37 + 保険者別番号 +
 * 検証番号; others: 法別番号 + 37 + 保険者別番号 + 検証番号) with a correct check
 * digit. 高松市 370015, 丸亀市 370023 and 坂出市 370031 are the municipalities'
 * real numbers; 協会けんぽ 香川支部 01370014 follows the other branches'
 * numbering (宮城支部 01040013: 保険者別番号 001). The other 保険者別番号 are
 * assigned in list order and must be checked against the official list before
 * this table serves a real network. The synthetic claims bill these numbers.
 */
import { modulus10Weights21 } from './check-digit.js';
import type { InsurerKind } from './insurer-number.js';

const withCheckDigit = (digits: string) => digits + String(modulus10Weights21(digits));

const MUNICIPALITIES = ['高松市', '丸亀市', '坂出市', '善通寺市', '観音寺市', 'さぬき市', '東かがわ市', '三豊市', '土庄町', '小豆島町', '三木町', '直島町', '宇多津町', '綾川町', '琴平町', '多度津町', 'まんのう町'];

export const KAGAWA_INSURERS: ReadonlyArray<{ number: string; name: string; kind: InsurerKind }> = [
  ...MUNICIPALITIES.map((name, i) => ({ number: withCheckDigit(`37${String(i + 1).padStart(3, '0')}`), name, kind: 'municipal-nhi' as const })),
  { number: withCheckDigit('3937001'), name: '香川県後期高齢者医療広域連合', kind: 'late-elderly' },
  // 国民健康保険組合 take 保険者別番号 from 300 on, after the municipalities.
  { number: withCheckDigit('37301'), name: '香川県医師国民健康保険組合', kind: 'nhi-society' },
  { number: withCheckDigit('37302'), name: '香川県建設国民健康保険組合', kind: 'nhi-society' },
  { number: withCheckDigit('0137001'), name: '全国健康保険協会 香川支部', kind: 'kyokai' },
  { number: withCheckDigit('3237001'), name: '地方職員共済組合 香川県支部', kind: 'mutual-aid' },
  { number: withCheckDigit('3437001'), name: '公立学校共済組合 香川支部', kind: 'mutual-aid' },
];
