/**
 * 利用料: the month's list for the secretariat (operator) and each facility's
 * statement (the operator, or the facility's own administrator), as JSON for
 * the screen, CSV for a spreadsheet, or PDF to send. Each download is audited.
 */
import { feeList, feeListCsv, feeStatement, feeStatementCsv } from '@renkei/admin';
import { isoMonth } from '@renkei/api';
import { renderFeeListPdf, renderFeeStatementPdf } from '@renkei/documents';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { administrator } from '../administration.js';
import { ApiError } from '../errors.js';
import { auditRequest } from '../request-audit.js';
import type { ResolvedOptions } from '../options.js';

type Format = 'json' | 'csv' | 'pdf';

/** `2026-04`, `2026-04.csv`, `2026-04.pdf` (or a facility code in place of the month) → the name and the format. */
function splitFormat(file: string): { name: string; format: Format } {
  const match = /^([^.]+)(?:\.(csv|pdf))?$/.exec(file);
  if (!match) throw new ApiError(404, 'not-found', 'ページが見つかりません');
  return { name: match[1]!, format: (match[2] as Format | undefined) ?? 'json' };
}

function monthOf(text: string): string {
  if (!isoMonth.safeParse(text).success) throw new ApiError(400, 'bad-request', '対象月は YYYY-MM で指定してください');
  return text;
}

export async function feeRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  const printContext = () => ({ printedAt: new Date(), networkName: options.networkName });

  app.get<{ Params: { file: string } }>('/api/admin/fees/:file', { config: { access: 'operator', action: 'admin.fees.list' } }, async (request, reply) => {
    const { name, format } = splitFormat(request.params.file);
    const list = await feeList(options.stores.identity, monthOf(name));
    await auditRequest(request, options, { action: 'admin.fees.list', outcome: 'allowed', detail: { month: list.month, format, facilities: list.rows.length, totalYen: list.totalYen } });
    if (format === 'json') return list;
    if (format === 'csv') return sendCsv(reply, feeListCsv(list), `renkei-fees-${list.month}.csv`);
    return sendPdf(reply, await renderFeeListPdf(list, printContext()), `renkei-fees-${list.month}.pdf`);
  });

  app.get<{ Params: { month: string; file: string } }>('/api/admin/fees/:month/:file', { config: { access: 'administrator', action: 'admin.fees.statement' } }, async (request, reply) => {
    // The role first (the gate: a clerk gets 403 whatever they asked for), then the facility in the file name (another one answers 404).
    const { name: code, format } = splitFormat(request.params.file);
    await administrator(request, options, { action: 'admin.fees.statement', facility: code });
    const month = monthOf(request.params.month);
    const statement = await feeStatement(options.stores.identity, month, code);
    if (!statement) {
      await auditRequest(request, options, { action: 'admin.fees.statement', outcome: 'refused', detail: { month, facility: code, reason: 'not billed' } });
      // Unknown, never a participant that month: one answer, which says what to check.
      throw new ApiError(404, 'statement-not-found', `${month} の利用料明細はありません（その月に参加していない医療機関です）`);
    }
    await auditRequest(request, options, { action: 'admin.fees.statement', outcome: 'allowed', detail: { month, facility: code, format, totalYen: statement.totalYen } });
    if (format === 'json') return statement;
    if (format === 'csv') return sendCsv(reply, feeStatementCsv(statement), `renkei-fee-${month}-${code}.csv`);
    return sendPdf(reply, await renderFeeStatementPdf(statement, printContext()), `renkei-fee-${month}-${code}.pdf`);
  });
}

function sendCsv(reply: FastifyReply, text: string, filename: string) {
  return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${filename}"`).send(text);
}

function sendPdf(reply: FastifyReply, pdf: Buffer, filename: string) {
  return reply.type('application/pdf').header('Content-Disposition', `attachment; filename="${filename}"`).send(pdf);
}
