/**
 * 読影件数の集計: reading requests per receiving facility and reader, for a
 * month (by when they were sent, in Japan): received, answered (a final
 * report), declined (読影しない, not a reading), reports returned (interim and
 * final) and the median hours from sending to the final report.
 */
import { exchangeStatsScope, Refusal, scopeFacility, type RequestContext } from '@renkei/access';
import type { ExchangeStats, ExchangeStatsRow } from '@renkei/api';
import type { AuditLog } from '@renkei/audit';
import type { Stores } from '@renkei/store';

export async function exchangeStats(deps: { stores: Stores; audit: AuditLog }, ctx: RequestContext, month: string): Promise<ExchangeStats> {
  const user = ctx.session?.user;
  const scope = user ? exchangeStatsScope(user) : undefined;
  if (!scope) {
    await deps.audit.record(ctx.actor, { action: 'exchange.stats', outcome: 'refused', detail: { month, reason: 'role' } });
    throw new Refusal('forbidden', 'role-forbidden', 'no statistics for this role', 'この操作はあなたの職種では利用できません');
  }
  const { rows } = await deps.stores.clinical.query<{
    facility: string;
    reader: string | null;
    received: string;
    answered: string;
    declined: string;
    reports: string;
    median_hours: number | null;
    total: number;
  }>(
    `WITH month_items AS (
       SELECT i.id, i.to_facility, i.to_user, i.status, i.sent_at, i.answered_at
         FROM exchange_items i
        WHERE i.kind = 'reading' AND i.sent_at >= ($1 || '-01')::timestamp AT TIME ZONE 'Asia/Tokyo'
          AND i.sent_at < (($1 || '-01')::date + interval '1 month')::timestamp AT TIME ZONE 'Asia/Tokyo'
          AND ($2::text IS NULL OR i.to_facility = $2))
     SELECT m.to_facility AS facility, m.to_user AS reader, GROUPING(m.to_user) AS total,
            count(*) AS received,
            count(*) FILTER (WHERE m.status = 'final') AS answered,
            count(*) FILTER (WHERE m.status = 'declined') AS declined,
            coalesce(sum((SELECT count(*) FROM exchange_texts t WHERE t.item_id = m.id AND t.kind IN ('interim', 'final'))), 0) AS reports,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM m.answered_at - m.sent_at) / 3600) FILTER (WHERE m.status = 'final') AS median_hours
       FROM month_items m
      GROUP BY GROUPING SETS ((m.to_facility), (m.to_facility, m.to_user))
      ORDER BY m.to_facility, GROUPING(m.to_user) DESC, m.to_user`,
    [month, scopeFacility(scope)],
  );
  // The facility totals, and one row per reader (items still with the liaison count in the total only).
  const perReader = rows.filter((r) => Number(r.total) === 1 || r.reader !== null);
  const facilities = new Map(
    (await deps.stores.identity.query<{ code: string; name: string }>('SELECT code, name FROM facilities WHERE code = ANY($1::text[])', [[...new Set(rows.map((r) => r.facility))]])).rows.map((r) => [r.code.trim(), r.name]),
  );
  const readers = new Map(
    (await deps.stores.identity.query<{ id: string; display_name: string }>('SELECT id, display_name FROM users WHERE id = ANY($1::text[])', [rows.map((r) => r.reader).filter((r) => r !== null)])).rows.map((r) => [r.id, r.display_name]),
  );
  const result: ExchangeStatsRow[] = perReader.map((r) => ({
    facility: r.facility.trim(),
    facilityName: facilities.get(r.facility.trim()) ?? r.facility.trim(),
    reader: r.reader,
    readerName: r.reader ? (readers.get(r.reader) ?? null) : null,
    received: Number(r.received),
    answered: Number(r.answered),
    declined: Number(r.declined),
    reportsReturned: Number(r.reports),
    medianTurnaroundHours: r.median_hours === null ? null : Math.round(Number(r.median_hours) * 10) / 10,
  }));
  await deps.audit.record(ctx.actor, { action: 'exchange.stats', outcome: 'allowed', detail: { month, rows: result.length, scope: scopeFacility(scope) ?? 'network' } });
  return { month, rows: result };
}

/** The statistics as CSV for a spreadsheet: UTF-8 with a BOM (Excel reads it as such), CRLF. */
export function exchangeStatsCsv(stats: ExchangeStats): string {
  const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [['対象月', '医療機関コード', '医療機関名', '読影医ID', '読影医', '受付件数', '読影件数', '読影しない', '報告返送数', '所要時間中央値（時間）']];
  for (const r of stats.rows) {
    lines.push([stats.month, r.facility, r.facilityName, r.reader ?? '', r.reader ? (r.readerName ?? '') : '施設計', String(r.received), String(r.answered), String(r.declined), String(r.reportsReturned), r.medianTurnaroundHours === null ? '' : r.medianTurnaroundHours.toFixed(1)]);
  }
  return '\uFEFF' + lines.map((l) => l.map(quote).join(',')).join('\r\n') + '\r\n';
}
