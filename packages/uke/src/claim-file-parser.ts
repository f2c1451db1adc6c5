/**
 * The receipt state machine: lines in, receipts out. A file is a header (IR, YK
 * or UK) followed by receipts, each opened by RE and running to the next RE or
 * GO. Within a receipt, 診療識別 is carried forward within a group and a 算定単位
 * closes on the line that carries 点数. Pure: no I/O, fed one line at a time.
 */
import { isBurden } from './burden.js';
import { dayOfMonth, daysInMonth } from './dates.js';
import { UkeFormatError } from './errors.js';
import { fail, readCode, readDate, readDecimal, readInteger, readMonth, readText, RecordContext } from './fields.js';
import { dentalLayouts, knownRecordIds, medicalLayouts, pharmacyLayouts, type FieldSpec } from './layouts.js';
import type { ClaimFileHeader, ClaimItem, CodeKind, Diagnosis, Outcome, Receipt, ReceiptKind, VolumeMark } from './model.js';

export type ClaimFileItem =
  | { type: 'header'; header: ClaimFileHeader }
  | { type: 'receipt'; receipt: Receipt }
  /** `volume`: the file's place in its delivery, from GO (and IR/YK) マルチボリューム識別情報. */
  | { type: 'end'; receipts: number; lines: number; volume: VolumeMark };

export interface ParseOptions {
  /** The file's name, for error messages; RECEIPTD marks a DPC file. */
  fileName?: string | undefined;
}

/** 疑い病名 are coded with the suffix modifier 8002 (…の疑い). */
const SUSPECTED_MODIFIER = '8002';

/** 調剤 SH 剤形 → the 医科 診療識別 of the same route: 内服 21, 屯服 22, 外用 23, 注射 33, 材料 28. */
const PHARMACY_FORM_PRACTICE: Record<string, string> = { '1': '21', '2': '21', '3': '22', '4': '33', '5': '23', '6': '21', '7': '21', '9': '28' };

/** The 3 履歴管理 columns (データ識別, 行番号, 枝番号) some insurer-side files put before every record. */
const HISTORY_COLUMNS = 3;

const RECORD_ID = /^[A-Z]{2}$/;

/** GO マルチボリューム識別情報 of the last (or only) volume of a delivery. */
const LAST_VOLUME = '99';

/** Every two-letter id, made once: the usual record id is looked up here, not cut out of its line. */
const TWO_LETTER_IDS = Array.from({ length: 26 * 26 }, (_, i) => String.fromCharCode(0x41 + Math.floor(i / 26), 0x41 + (i % 26)));

export class ClaimFileParser {
  private readonly file: string | undefined;
  private readonly dpcByName: boolean;
  private kind: ReceiptKind | undefined;
  private historyPrefix: boolean | undefined;
  private header: ClaimFileHeader | undefined;
  private headerEmitted = false;
  private facilityNameFromUK = '';
  private lineNo = 0;
  private lines = 0;
  private receipts = 0;
  /** HO and KO records: GO 総件数 counts them (a receipt with 公費 counts once per payer). */
  private claims = 0;
  /** Each receipt's HO 合計点数, or its KO's where it has no HO: GO 総合計点数 adds them up. */
  private points = 0;
  private trailer: { line: number; volume: VolumeMark } | undefined;
  private output: ClaimFileItem[] = [];

  private receipt: Receipt | undefined;
  private practice = '';
  private groupNo = 0;
  private unitNo = 0;
  private unitClosed = true;
  private unitItems: ClaimItem[] = [];
  private unitUsage: string | null = null;
  private dispensing: { dates: string[]; days: number | null; prescribedOn: string | null } | undefined;
  private admittedOn: string | null = null;
  private monthDays = 0;
  /** The ISO dates of the days of `datesMonth`, made as they are first needed. */
  private datesMonth = '';
  private monthDates: string[] = [];
  private codingUnits = new Map<string, number>();

  private readonly context: RecordContext;

  constructor(options: ParseOptions = {}) {
    this.file = options.fileName;
    this.dpcByName = /RECEIPTD/i.test(options.fileName ?? '');
    this.context = new RecordContext(this.file);
  }

  /** Feeds one line (without its line break). Completed items are collected by `take`. */
  feed(line: string): void {
    this.lineNo++;
    if (line.length === 0 || (line.charCodeAt(0) <= 0x20 && line.trim() === '')) return;
    this.lines++;
    // A NUL byte is damage (no record holds one), and no database text can hold it either.
    const nul = line.indexOf('\0');
    if (nul >= 0) {
      const field = line.slice(0, nul).split(',').length - 1;
      throw new UkeFormatError(`a NUL byte (0x00) in field ${field} (counted from 0, the record id): the file is damaged; ask the sender for it again`, { file: this.file, line: this.lineNo });
    }
    // One context, refilled per line: the readers use it only while the line is read.
    const ctx = this.context;
    if (this.historyPrefix === undefined) {
      ctx.read(this.lineNo, line, 0);
      this.historyPrefix = /^\d+$/.test(ctx.trimmed(0));
    }
    ctx.read(this.lineNo, line, this.historyPrefix ? HISTORY_COLUMNS : 0);
    const id = recordId(ctx);
    if (id === undefined) fail(ctx, undefined, 'not a record: a line starts with a record id such as RE');
    this.record(id, ctx);
  }

  /**
   * Ends the input: the last receipt is completed and the totals follow. A file
   * without its GO record is incomplete (cut off in transfer, a full disk) and
   * is refused, so that it never stands in for the whole file.
   */
  end(): void {
    this.finishReceipt();
    if (!this.header) throw new UkeFormatError('the file holds no IR, YK or UK record: not a claims file', { file: this.file, line: this.lineNo });
    if (!this.trailer) {
      throw new UkeFormatError('the file ends without its GO record (診療報酬請求書), so it is incomplete: ask the sender for the whole file', { file: this.file, line: this.lineNo });
    }
    this.emitHeader();
    this.output.push({ type: 'end', receipts: this.receipts, lines: this.lines, volume: this.trailer.volume });
  }

  /** The items completed since the last call. */
  take(): ClaimFileItem[] {
    const items = this.output;
    this.output = [];
    return items;
  }

  private record(id: string, ctx: RecordContext): void {
    if (this.trailer) fail(ctx, undefined, `${id} after the GO record of line ${this.trailer.line}: GO ends the file`);
    if (this.kind === undefined) this.kind = this.detectKind(id, ctx);
    const kind = this.kind;
    if (!knownRecordIds[kind].has(id)) fail(ctx, undefined, `unknown record ${id} in a ${kind} claims file`);
    const layouts = kind === 'pharmacy' ? pharmacyLayouts : kind === 'dental' ? dentalLayouts : medicalLayouts;
    // The records every kind shares: the facility, the receipt's opening and end, its insurance.
    switch (id) {
      case 'IR':
        return this.facilityHeader(ctx, (layouts as typeof medicalLayouts | typeof dentalLayouts).IR.fields);
      case 'YK':
        return this.facilityHeader(ctx, pharmacyLayouts.YK.fields);
      case 'UK':
        this.facilityNameFromUK = readText(ctx, dentalLayouts.UK.fields.facilityName);
        return;
      case 'RE':
        return this.openReceipt(ctx, layouts.RE.fields);
      case 'GO':
        return this.closeFile(ctx, layouts.GO.fields);
    }
    const receipt = this.requireReceipt(id, ctx);
    if (id === 'HO' || id === 'KO' || id === 'SN') return this.insuranceRecord(id, ctx, receipt);
    if (kind === 'pharmacy') return this.pharmacyRecord(id, ctx, receipt);
    // 歯科: receipts and persons are kept; the dental detail is not read yet.
    if (kind !== 'dental') this.medicalRecord(id, ctx, receipt);
  }

  private detectKind(id: string, ctx: RecordContext): ReceiptKind {
    if (id === 'YK') return 'pharmacy';
    if (id === 'UK') return 'dental';
    if (id !== 'IR') fail(ctx, undefined, `a claims file starts with IR, YK or UK, not ${id}`);
    const table = ctx.trimmed(medicalLayouts.IR.fields.table.index);
    if (table === '3') return 'dental';
    if (table === '4') return 'pharmacy';
    return this.dpcByName ? 'dpc' : 'medical';
  }

  // ---- 医科 and DPC ----

  private medicalRecord(id: string, ctx: RecordContext, receipt: Receipt): void {
    const L = medicalLayouts;
    switch (id) {
      case 'SY': {
        const f = L.SY.fields;
        receipt.diagnoses.push(diagnosis(ctx, f, { startDate: readDate(ctx, f.startDate), outcome: readOutcome(ctx, f.outcome), main: readCode(ctx, f.main) === '01', icd10: null }));
        return;
      }
      case 'SI':
        return this.billedLine(ctx, L.SI, 's', receipt);
      case 'IY':
        return this.billedLine(ctx, L.IY, 'y', receipt);
      case 'TO':
        return this.billedLine(ctx, L.TO, 't', receipt);
      case 'CO':
        return this.commentLine(ctx, L.CO.fields);
      case 'BU':
        this.admittedOn = readDate(ctx, L.BU.fields.admittedOn);
        receipt.stay = {
          admittedOn: this.admittedOn ?? receipt.stay?.admittedOn ?? null,
          dischargedOn: readDate(ctx, L.BU.fields.dischargedOn),
          dpcCode: readCode(ctx, L.BU.fields.dpcCode),
        };
        return;
      case 'SB': {
        // DPC: the stay's admission is the start; the receipt gives the ICD-10 itself.
        const f = L.SB.fields;
        const icd10 = readCode(ctx, f.icd10).replace('.', '') || null;
        receipt.diagnoses.push(diagnosis(ctx, f, { startDate: this.admittedOn, outcome: 1, main: readCode(ctx, f.category) === '01', icd10 }));
        return;
      }
      case 'CD':
        return this.codingLine(ctx, receipt);
    }
  }

  /** Lines of one 算定単位 share a unit; a non-empty 診療識別 opens a new group. */
  private billedLine(ctx: RecordContext, layout: { fields: Record<'practice' | 'burden' | 'code' | 'quantity' | 'points' | 'times', FieldSpec>; dayColumns: number }, codeKind: CodeKind, receipt: Receipt) {
    const f = layout.fields;
    this.enterUnit(readCode(ctx, f.practice));
    if (this.practice === '') fail(ctx, f.practice, 'is empty on the first line of the receipt, so the group is unknown');
    const points = readInteger(ctx, f.points);
    const burden = readCode(ctx, f.burden);
    if (burden !== '' && !isBurden(burden)) fail(ctx, f.burden, `${burden} is not a 負担区分 code`);
    const item: ClaimItem = {
      line: ctx.line,
      codeKind,
      code: readCode(ctx, f.code),
      practice: this.practice,
      burden,
      quantity: readDecimal(ctx, f.quantity),
      points,
      times: readInteger(ctx, f.times),
      dates: this.dayColumns(ctx, layout.dayColumns, receipt.serviceMonth),
      groupNo: this.groupNo,
      unitNo: this.unitNo,
      days: null,
      singleDose: null,
      usage: null,
    };
    receipt.items.push(item);
    this.unitItems.push(item);
    // 点数 appears only on the last line of a 算定単位.
    if (points !== null) this.closeUnit();
  }

  /** A CO line belongs to the unit it stands in; in a 投薬 group its text is the 用法. */
  private commentLine(ctx: RecordContext, f: typeof medicalLayouts.CO.fields) {
    this.enterUnit(readCode(ctx, f.practice));
    const text = readText(ctx, f.text);
    if (text !== '') this.unitUsage = this.unitUsage === null ? text : `${this.unitUsage} ${text}`;
  }

  /** DPC コーディングデータ: one line per code per day; 順序番号 groups the lines of one act. */
  private codingLine(ctx: RecordContext, receipt: Receipt) {
    const f = medicalLayouts.CD.fields;
    const performedOn = readDate(ctx, f.performedOn)!;
    const practice = readCode(ctx, f.practice);
    if (practice !== '') this.practice = practice;
    if (this.practice === '') fail(ctx, f.practice, 'is empty on the first coding line of the receipt');
    const code = readCode(ctx, f.code);
    const codeKind = codeKindOf(code);
    if (codeKind === undefined) return; // コメント and other non-billed codes
    const actKey = `${performedOn}|${readInteger(ctx, f.sequence) ?? ''}`;
    let unit = this.codingUnits.get(actKey);
    if (unit === undefined) {
      unit = ++this.unitNo;
      this.groupNo++;
      this.codingUnits.set(actKey, unit);
    }
    receipt.items.push({
      line: ctx.line,
      codeKind,
      code,
      practice: this.practice,
      burden: '',
      quantity: codeKind === 's' ? readDecimal(ctx, f.amount) : readDecimal(ctx, f.quantity),
      points: null,
      times: readInteger(ctx, f.times),
      dates: [performedOn],
      groupNo: this.groupNo,
      unitNo: unit,
      days: null,
      singleDose: null,
      usage: null,
    });
  }

  // ---- 調剤 ----

  private pharmacyRecord(id: string, ctx: RecordContext, receipt: Receipt): void {
    const L = pharmacyLayouts;
    switch (id) {
      case 'SH': {
        // One 剤: its form gives the route, its 用法 the usage; CZ and IY lines follow.
        this.flushUnit();
        const form = readCode(ctx, L.SH.fields.form);
        const practice = PHARMACY_FORM_PRACTICE[form];
        if (practice === undefined) fail(ctx, L.SH.fields.form, `${form} is not a 剤形 code (1–7, 9)`);
        this.practice = practice;
        this.groupNo++;
        this.unitNo++;
        this.unitClosed = false;
        // 用法 is a code (別表); the written instruction says it in words where given (always for 900, 未コード化).
        const usageCode = readCode(ctx, L.SH.fields.usageCode);
        this.unitUsage = readText(ctx, L.SH.fields.instruction) || (usageCode === '' || usageCode === '900' ? null : `用法コード${usageCode}`);
        this.dispensing = { dates: [], days: null, prescribedOn: null };
        return;
      }
      case 'CZ': {
        const dispensing = this.requireDispensing(ctx);
        const dispensedOn = readDate(ctx, L.CZ.fields.dispensedOn)!;
        if (!dispensing.dates.includes(dispensedOn)) dispensing.dates.push(dispensedOn);
        const quantity = readInteger(ctx, L.CZ.fields.quantity);
        if (quantity !== null) dispensing.days = (dispensing.days ?? 0) + quantity;
        dispensing.prescribedOn ??= readDate(ctx, L.CZ.fields.prescribedOn);
        return;
      }
      case 'IY':
      case 'TO': {
        this.requireDispensing(ctx);
        const f = id === 'IY' ? L.IY.fields : L.TO.fields;
        const item: ClaimItem = {
          line: ctx.line,
          codeKind: id === 'IY' ? 'y' : 't',
          code: readCode(ctx, f.code),
          practice: this.practice,
          burden: readCode(ctx, f.burden),
          quantity: readDecimal(ctx, f.quantity),
          points: null,
          times: null,
          dates: [],
          groupNo: this.groupNo,
          unitNo: this.unitNo,
          days: null,
          singleDose: id === 'IY' ? readDecimal(ctx, L.IY.fields.singleDose) : null,
          usage: null,
        };
        receipt.items.push(item);
        this.unitItems.push(item);
        return;
      }
    }
  }

  private requireDispensing(ctx: RecordContext) {
    if (!this.dispensing) fail(ctx, undefined, 'a CZ, IY or TO record before any SH (処方) record of its receipt');
    return this.dispensing;
  }

  // ---- shared by all kinds ----

  private facilityHeader(
    ctx: RecordContext,
    f: { payer: FieldSpec; prefecture: FieldSpec; table: FieldSpec; institutionCode: FieldSpec; billingMonth: FieldSpec; facilityName?: FieldSpec; volume?: FieldSpec },
  ): void {
    const prefecture = readCode(ctx, f.prefecture);
    const table = readCode(ctx, f.table);
    // Some vendors' demo files write the 7-digit institution code without its leading zeros.
    const institutionCode = readCode(ctx, f.institutionCode).padStart(7, '0');
    if (!/^\d{2}$/.test(prefecture)) fail(ctx, f.prefecture, `${prefecture} is not a 2-digit prefecture code`);
    if (!/^\d$/.test(table)) fail(ctx, f.table, `${table} is not a 1-digit 点数表 code`);
    if (!/^\d{7}$/.test(institutionCode)) fail(ctx, f.institutionCode, `${institutionCode} is not a 7-digit code`);
    // 00 (or nothing) for a file on one volume; 01, 02, … for each volume of a delivery on several.
    const volume = f.volume ? readCode(ctx, f.volume) : '';
    if (volume !== '' && !/^\d{2}$/.test(volume)) fail(ctx, f.volume, `${volume} is not a volume number (00, 01, 02, …)`);
    const header: ClaimFileHeader = {
      kind: this.kind!,
      payer: readCode(ctx, f.payer),
      prefecture,
      table,
      institutionCode,
      facilityCode: prefecture + table + institutionCode,
      facilityName: (f.facilityName ? readText(ctx, f.facilityName) : '') || this.facilityNameFromUK,
      billingMonth: readMonth(ctx, f.billingMonth),
      volume: volume === '' || volume === '00' || volume === LAST_VOLUME ? null : Number(volume),
    };
    if (this.header) {
      // Dental files repeat IR before every receipt; a second facility in one file is an error.
      if (this.header.facilityCode !== header.facilityCode) fail(ctx, f.institutionCode, `${header.facilityCode} differs from ${this.header.facilityCode} earlier in the file; one file holds one facility`);
      return;
    }
    if (this.receipt) fail(ctx, undefined, 'IR after the first receipt');
    this.header = header;
  }

  private openReceipt(
    ctx: RecordContext,
    f: { number: FieldSpec; receiptType: FieldSpec; serviceMonth: FieldSpec; name: FieldSpec; sex: FieldSpec; birthDate: FieldSpec; kana?: FieldSpec; searchNumber?: FieldSpec; chartNumber?: FieldSpec; admittedOn?: FieldSpec } & Partial<
      Record<'prescriberPrefecture' | 'prescriberTable' | 'prescriberCode' | 'prescriberName', FieldSpec>
    >,
  ): void {
    this.finishReceipt();
    if (!this.header) fail(ctx, undefined, 'a receipt (RE) before the facility record (IR or YK)');
    this.emitHeader();
    const receiptType = readCode(ctx, f.receiptType);
    if (!/^\d{4}$/.test(receiptType)) fail(ctx, f.receiptType, `${receiptType} is not a 4-digit レセプト種別`);
    const sex = readCode(ctx, f.sex);
    if (sex !== '1' && sex !== '2') fail(ctx, f.sex, `${sex} is not 1 (男) or 2 (女)`);
    let prescriber: Receipt['prescriber'] = null;
    if (f.prescriberCode) {
      const code = readCode(ctx, f.prescriberCode);
      if (code !== '') {
        prescriber = {
          facilityCode: readCode(ctx, f.prescriberPrefecture!) + readCode(ctx, f.prescriberTable!) + code.padStart(7, '0'),
          name: readText(ctx, f.prescriberName!),
        };
      }
    }
    this.receipt = {
      line: ctx.line,
      lineCount: 0,
      number: readInteger(ctx, f.number)!,
      receiptType,
      serviceMonth: readMonth(ctx, f.serviceMonth)!,
      patient: {
        name: readText(ctx, f.name),
        kana: (f.kana && readText(ctx, f.kana)) || null,
        sex: sex === '1' ? 1 : 2,
        birthDate: readDate(ctx, f.birthDate)!,
      },
      insurance: null,
      publicPrograms: [],
      prescriber,
      points: null,
      diagnoses: [],
      items: [],
      searchNumber: (f.searchNumber && readText(ctx, f.searchNumber)) || null,
      chartNumber: (f.chartNumber && readText(ctx, f.chartNumber)) || null,
      stay: null,
    };
    // 医科 入院: RE gives the admission; a DPC receipt's BU gives admission and discharge.
    const admittedOn = f.admittedOn ? readDate(ctx, f.admittedOn) : null;
    if (admittedOn !== null) this.receipt.stay = { admittedOn, dischargedOn: null, dpcCode: null };
    this.practice = '';
    this.groupNo = 0;
    this.unitNo = 0;
    this.unitClosed = true;
    this.unitItems.length = 0;
    this.unitUsage = null;
    this.dispensing = undefined;
    this.admittedOn = null;
    this.codingUnits.clear();
    const month = this.receipt.serviceMonth;
    this.monthDays = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  }

  private insuranceRecord(id: 'HO' | 'KO' | 'SN', ctx: RecordContext, receipt: Receipt): void {
    const L = medicalLayouts; // HO, KO and SN read alike in every kind
    if (id !== 'SN') this.claims++;
    if (id === 'HO') {
      receipt.points = readInteger(ctx, L.HO.fields.points);
      const insurerNumber = readCode(ctx, L.HO.fields.insurerNumber);
      if (insurerNumber === '') return; // an empty HO: 公費単独 in some vendors' files
      receipt.insurance = {
        insurerNumber,
        symbol: readCode(ctx, L.HO.fields.symbol),
        number: readCode(ctx, L.HO.fields.number),
        branch: receipt.insurance?.branch ?? '',
      };
    } else if (id === 'KO') {
      receipt.publicPrograms.push({ payerNumber: readCode(ctx, L.KO.fields.payerNumber), recipientNumber: readCode(ctx, L.KO.fields.recipientNumber) });
      receipt.points ??= readInteger(ctx, L.KO.fields.points);
    } else if (readCode(ctx, L.SN.fields.payerKind) === '1' && receipt.insurance) {
      // 負担者種別 1 = 医療保険: its 枝番 completes the member's 記号・番号.
      receipt.insurance.branch = readCode(ctx, L.SN.fields.branch);
    }
  }

  /** GO: its totals must be the file's own, and it names the file's volume. */
  private closeFile(ctx: RecordContext, f: typeof medicalLayouts.GO.fields): void {
    this.finishReceipt();
    if (!this.header) fail(ctx, undefined, 'GO before the facility record (IR, YK or UK)');
    const given = (spec: FieldSpec, held: number) => {
      readInteger(ctx, spec);
      const value = readCode(ctx, spec);
      if (Number(value) !== held) throw new UkeFormatError(`${value} given, the file holds ${held}`, { file: this.file, record: 'GO', line: ctx.line, field: spec.label });
    };
    given(f.total, this.claims);
    given(f.points, this.points);
    const code = readCode(ctx, f.volume);
    if (code !== '' && !/^(0[1-9]|[1-9]\d)$/.test(code)) fail(ctx, f.volume, `${code} is not a volume: 01, 02, … for a volume, 99 for the last`);
    const last = code === '' || code === LAST_VOLUME;
    const fromGo = last ? null : Number(code);
    const fromHeader = this.header.volume;
    if (fromGo !== null && fromHeader !== null && fromGo !== fromHeader) fail(ctx, f.volume, `${code} differs from volume ${String(fromHeader).padStart(2, '0')} in the facility record`);
    this.trailer = { line: ctx.line, volume: { number: fromGo ?? fromHeader, last } };
  }

  private requireReceipt(id: string, ctx: RecordContext): Receipt {
    if (!this.receipt) fail(ctx, undefined, `record ${id} outside a receipt (no RE before it)`);
    return this.receipt;
  }

  private enterUnit(practice: string): void {
    if (practice !== '') {
      this.practice = practice;
      this.groupNo++;
      this.unitClosed = true;
    }
    if (this.unitClosed) {
      this.flushUnit();
      this.unitNo++;
      this.unitClosed = false;
    }
  }

  private closeUnit(): void {
    this.flushUnit();
    this.unitClosed = true;
  }

  /** Gives the unit's items what is known only at its end: 用法, and for 調剤 the dispensing days. */
  private flushUnit(): void {
    const dispensing = this.dispensing;
    for (const item of this.unitItems) {
      item.usage = this.unitUsage;
      if (dispensing) {
        item.dates = dispensing.dates;
        item.days = dispensing.days;
      }
    }
    // The list is the parser's own: emptied and reused rather than made anew for every unit.
    this.unitItems.length = 0;
    this.unitUsage = null;
  }

  /** The day columns 1日…31日 from field `first` on: a count (up to 3 digits) on each day the line was done. */
  private dayColumns(ctx: RecordContext, first: number, month: string): string[] {
    const dates: string[] = [];
    let start = ctx.start(first);
    if (start < 0) return dates;
    // One walk over the columns, each read where it stands.
    const lineEnd = ctx.lineEnd;
    for (let day = 1; day <= 31 && start <= lineEnd; day++) {
      let end = start;
      let digits = 0;
      let counted = 0;
      for (let code = ctx.charCodeAt(end); end < lineEnd && code !== 0x2c; code = ctx.charCodeAt(++end)) {
        if (code >= 0x30 && code <= 0x39) {
          digits++;
          counted |= code - 0x30;
        } else {
          digits = 4;
        }
      }
      if (end > start) {
        if (digits > 3) {
          // Not the usual count: read as written, for the check and its message.
          const value = ctx.slice(start, end);
          const count = value.trim();
          if (!/^\d{1,3}$/.test(count)) fail(ctx, dayField(first + day - 1, day), `${value} is not a count`);
          counted = /^0+$/.test(count) ? 0 : 1;
        }
        if (counted !== 0) {
          if (day > this.monthDays) fail(ctx, dayField(first + day - 1, day), `${month} has no day ${day}`);
          dates.push(this.dayOfMonth(month, day));
        }
      }
      start = end + 1;
    }
    return dates;
  }

  private dayOfMonth(month: string, day: number): string {
    if (month !== this.datesMonth) {
      this.datesMonth = month;
      this.monthDates = [];
    }
    return (this.monthDates[day] ??= dayOfMonth(month, day));
  }

  private finishReceipt(): void {
    if (!this.receipt) return;
    this.flushUnit();
    this.receipt.lineCount = this.lineNo - this.receipt.line;
    this.points += this.receipt.points ?? 0;
    this.output.push({ type: 'receipt', receipt: this.receipt });
    this.receipts++;
    this.receipt = undefined;
    this.dispensing = undefined;
  }

  private emitHeader(): void {
    if (this.headerEmitted || !this.header) return;
    this.headerEmitted = true;
    this.output.push({ type: 'header', header: this.header });
  }
}

/** The record id: the first field, trimmed; undefined when it is not two capital letters. */
function recordId(ctx: RecordContext): string | undefined {
  const start = ctx.start(0);
  if (start >= 0 && ctx.end(0) - start === 2) {
    const first = ctx.charCodeAt(start) - 0x41;
    const second = ctx.charCodeAt(start + 1) - 0x41;
    if (first >= 0 && first < 26 && second >= 0 && second < 26) return TWO_LETTER_IDS[first * 26 + second];
  }
  const id = ctx.trimmed(0);
  return RECORD_ID.test(id) ? id : undefined;
}

/** A day column, named for error messages. */
function dayField(index: number, day: number): FieldSpec {
  return { index, label: `${day}日`, type: 'integer', required: false, personal: false };
}

/** A 傷病名 as SY and SB both write it: code, 修飾語 (8002 = 疑い) and, for uncoded names, the name. */
function diagnosis(
  ctx: RecordContext,
  f: { code: FieldSpec; modifiers: FieldSpec; name: FieldSpec },
  rest: Pick<Diagnosis, 'startDate' | 'outcome' | 'main' | 'icd10'>,
): Diagnosis {
  const modifiers = readCode(ctx, f.modifiers);
  return {
    line: ctx.line,
    code: readCode(ctx, f.code),
    name: readText(ctx, f.name) || null,
    modifiers,
    suspected: hasModifier(modifiers, SUSPECTED_MODIFIER),
    ...rest,
  };
}

function readOutcome(ctx: RecordContext, spec: FieldSpec): Outcome {
  const value = readCode(ctx, spec);
  if (value === '') return 1;
  if (value !== '1' && value !== '2' && value !== '3' && value !== '4') fail(ctx, spec, `${value} is not a 転帰区分 (1 継続, 2 治ゆ, 3 死亡, 4 中止)`);
  return Number(value) as Outcome;
}

/** 修飾語コード are 4-digit codes written one after another. */
export function hasModifier(modifiers: string, code: string): boolean {
  for (let i = 0; i + 4 <= modifiers.length; i += 4) if (modifiers.slice(i, i + 4) === code) return true;
  return false;
}

/** レセ電コード: 1xxxxxxxx 診療行為, 6xxxxxxxx 医薬品, 7xxxxxxxx 特定器材 (8 コメント). */
function codeKindOf(code: string): CodeKind | undefined {
  switch (code[0]) {
    case '1':
      return 's';
    case '6':
      return 'y';
    case '7':
      return 't';
    default:
      return undefined;
  }
}
