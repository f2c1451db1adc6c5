-- The inpatient stay a receipt bills: 医科 RE 入院年月日, or the DPC BU record's
-- 今回入院年月日, 今回退院年月日 and 診断群分類番号. Null on outpatient receipts, so
-- that the viewer shows a stay with its admission and discharge.
ALTER TABLE receipts ADD COLUMN admitted_on date;
ALTER TABLE receipts ADD COLUMN discharged_on date;
ALTER TABLE receipts ADD COLUMN dpc_code text;
