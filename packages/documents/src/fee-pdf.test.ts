import type { FeeList } from '@renkei/api';
import { describe, expect, it } from 'vitest';
import { formatYen, renderFeeListPdf, renderFeeStatementPdf } from './fee-pdf.js';
import { pdfText } from './testing.js';

const context = { printedAt: new Date('2026-05-02T01:00:00Z'), networkName: 'Renkei 香川' };

describe('the fee PDFs', () => {
  it('list every facility billed for the month with its yen amount, and the total', async () => {
    const list: FeeList = {
      month: '2026-04',
      monthlyFeeYen: 6500,
      rows: [
        { facilityCode: '3710100123', facilityName: '香川中央病院', kind: 'hospital', address: '香川県高松市', status: 'active', yen: 6500 },
        { facilityCode: '3740151233', facilityName: 'さくら調剤薬局　栗林店', kind: 'pharmacy', address: '', status: 'left', yen: 6500 },
      ],
      totalYen: 13000,
    };
    const text = pdfText(await renderFeeListPdf(list, context));
    expect(text).toContain('利用料一覧（2026年4月分）');
    expect(text).toMatch(/3710100123\s+香川中央病院\s+病院\s+参加\s+6,500円/);
    expect(text).toMatch(/3740151233\s+さくら調剤薬局\s+栗林店\s+薬局\s+退会\s+6,500円/);
    expect(text).toMatch(/合計 2施設\s+13,000円/);
  });

  it('runs a long list onto further pages without losing a row', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => ({ facilityCode: `37101${String(i).padStart(5, '0')}`, facilityName: `診療所${i}`, kind: 'clinic' as const, address: '', status: 'active' as const, yen: 6500 }));
    const text = pdfText(await renderFeeListPdf({ month: '2026-04', monthlyFeeYen: 6500, rows, totalYen: 780000 }, context));
    for (const row of rows) expect(text).toContain(row.facilityCode);
    expect(text).toContain('780,000円');
  });

  it('address a statement to the facility, with the month, the item and the amount', async () => {
    const text = pdfText(
      await renderFeeStatementPdf(
        { month: '2026-04', facility: { code: '3710100123', name: '香川中央病院', address: '香川県高松市番町1-1', kind: 'hospital' }, lines: [{ label: '基本利用料（2026年4月分）', yen: 6500 }], totalYen: 6500 },
        context,
      ),
    );
    expect(text).toContain('利用料明細書');
    expect(text).toMatch(/香川中央病院\s+御中/);
    expect(text).toContain('医療機関コード 3710100123');
    expect(text).toMatch(/2026年4月分のご請求額\s+6,500円/);
    expect(text).toMatch(/基本利用料（2026年4月分）\s+6,500円/);
  });

  it('writes yen as whole yen with separators', () => {
    expect(formatYen(6500)).toBe('6,500円');
    expect(formatYen(1_300_000)).toBe('1,300,000円');
  });
});
