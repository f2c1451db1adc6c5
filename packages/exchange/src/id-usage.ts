/**
 * The usage of every ID of a facility in the exchange, for its clerks and
 * liaison (事務員ID, 地域連携室ID): per ID and month, how many items it sent,
 * prepared, received, opened, signed texts on and assigned, its last exchange
 * action and its last login. Counts and times only: nothing of any item or
 * patient.
 */
import { exchangeUsageFacility, Refusal, type RequestContext } from '@renkei/access';
import type { ExchangeIdUsage } from '@renkei/api';
import type { AuditLog } from '@renkei/audit';
import type { Stores } from '@renkei/store';
import { jstDate } from './exchange-service.js';

/** The month's bounds in Japan, as SQL over a `$n` 'YYYY-MM'. */
const inMonth = (column: string, month: string) =>
  `${column} >= (${month} || '-01')::timestamp AT TIME ZONE 'Asia/Tokyo' AND ${column} < ((${month} || '-01')::date + interval '1 month')::timestamp AT TIME ZONE 'Asia/Tokyo'`;

export async function exchangeIdUsage(deps: { stores: Stores; audit: AuditLog }, ctx: RequestContext, month: string = jstDate(new Date()).slice(0, 7)): Promise<ExchangeIdUsage> {
  const user = ctx.session?.user;
  const facility = user ? exchangeUsageFacility(user) : undefined;
  if (!facility) {
    await deps.audit.record(ctx.actor, { action: 'exchange.id-usage', outcome: 'refused', detail: { month, reason: 'role' } });
    throw new Refusal('forbidden', 'role-forbidden', 'the ID usage is for the facility\'s clerks and liaison', 'この操作はあなたの職種では利用できません');
  }
  const { identity, clinical } = deps.stores;
  const [{ rows: users }, { rows: facilities }] = await Promise.all([
    identity.query<{ id: string; display_name: string; role: string; active: boolean; last_login_at: Date | null }>(
      'SELECT id, display_name, role, active, last_login_at FROM users WHERE facility_code = $1 ORDER BY role, id',
      [facility],
    ),
    identity.query<{ name: string }>('SELECT name FROM facilities WHERE code = $1', [facility]),
  ]);
  const ids = users.map((u) => u.id);
  type Counts = { user_id: string; sent: string; prepared: string; received: string; signed: string; assigned: string; read: string; last_at: Date | null };
  // One pass over each source, grouped by ID: items by their sending (or preparing) time, texts and steps by theirs, the trail by its.
  const { rows } = await clinical.query<Counts>(
    `WITH ids AS (SELECT unnest($1::text[]) AS user_id),
          sent AS (SELECT from_user AS user_id, count(*) AS n FROM exchange_items WHERE from_user = ANY($1) AND ${inMonth('sent_at', '$2')} GROUP BY from_user),
          prepared AS (SELECT prepared_by AS user_id, count(*) AS n FROM exchange_items WHERE prepared_by = ANY($1) AND ${inMonth('created_at', '$2')} GROUP BY prepared_by),
          received AS (SELECT to_user AS user_id, count(*) AS n FROM exchange_items WHERE to_user = ANY($1) AND ${inMonth('sent_at', '$2')} GROUP BY to_user),
          signed AS (SELECT author AS user_id, count(*) AS n FROM exchange_texts WHERE author = ANY($1) AND ${inMonth('signed_at', '$2')} GROUP BY author),
          assigned AS (SELECT actor AS user_id, count(*) AS n FROM exchange_events WHERE step = 'assigned' AND actor = ANY($1) AND ${inMonth('at', '$2')} GROUP BY actor),
          trail AS (SELECT actor AS user_id, count(DISTINCT detail->>'item') FILTER (WHERE action = 'exchange.open' AND outcome = 'allowed') AS n, max(at) AS last_at
                      FROM audit_events WHERE action LIKE 'exchange.%' AND actor = ANY($1) AND ${inMonth('at', '$2')} GROUP BY actor)
     SELECT ids.user_id, coalesce(sent.n, 0) AS sent, coalesce(prepared.n, 0) AS prepared, coalesce(received.n, 0) AS received,
            coalesce(signed.n, 0) AS signed, coalesce(assigned.n, 0) AS assigned, coalesce(trail.n, 0) AS read, trail.last_at
       FROM ids LEFT JOIN sent USING (user_id) LEFT JOIN prepared USING (user_id) LEFT JOIN received USING (user_id)
            LEFT JOIN signed USING (user_id) LEFT JOIN assigned USING (user_id) LEFT JOIN trail USING (user_id)`,
    [ids, month],
  );
  const counts = new Map(rows.map((r) => [r.user_id, r]));
  const usage: ExchangeIdUsage = {
    facility,
    facilityName: facilities[0]?.name ?? facility,
    month,
    rows: users.map((u) => {
      const c = counts.get(u.id);
      return {
        userId: u.id,
        displayName: u.display_name,
        role: u.role,
        active: u.active,
        sent: Number(c?.sent ?? 0),
        prepared: Number(c?.prepared ?? 0),
        received: Number(c?.received ?? 0),
        read: Number(c?.read ?? 0),
        signed: Number(c?.signed ?? 0),
        assigned: Number(c?.assigned ?? 0),
        lastExchangeAt: c?.last_at ? new Date(c.last_at).toISOString() : null,
        lastLoginAt: u.last_login_at ? new Date(u.last_login_at).toISOString() : null,
      };
    }),
  };
  await deps.audit.record(ctx.actor, { action: 'exchange.id-usage', outcome: 'allowed', detail: { month, facility, ids: usage.rows.length } });
  return usage;
}
