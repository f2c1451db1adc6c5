/**
 * E-mail notices of the exchange. A change that reaches a user (a request, a
 * report, a decline, an addendum, an assignment) writes its notices to the
 * outbox in its own transaction; the mailer delivers them afterwards through
 * nodemailer to RENKEI_SMTP_URL, retrying with a growing wait, so that a mail
 * server that is down delays mail but never loses it or fails the change. A
 * notice says what kind of news waits and links to the inbox: nothing of the
 * patient or the item.
 */
import { EXCHANGE_KIND_LABELS, type ExchangeKind } from '@renkei/api';
import type { Db } from '@renkei/store';
import nodemailer, { type Transporter } from 'nodemailer';

export type NoticeKind = 'request' | 'report' | 'decline' | 'addendum' | 'assignment';

/** Writes notices for `userIds` in the caller's transaction, due at once (`at`, the change's time). */
export async function queueNotices(tx: Db, userIds: readonly string[], notice: NoticeKind, itemKind: ExchangeKind, at = new Date()): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  await tx.query('INSERT INTO exchange_mail_outbox (user_id, notice, item_kind, created_at, next_attempt_at) SELECT u, $2, $3, $4, $4 FROM unnest($1::text[]) AS u', [unique, notice, itemKind, at]);
}

/** The mail of a notice: the kind of news and where to read it. */
export function noticeMail(notice: NoticeKind, itemKind: ExchangeKind, inboxUrl: string): { subject: string; text: string } {
  const label = EXCHANGE_KIND_LABELS[itemKind];
  const news: Record<NoticeKind, string> = {
    request: `参加医療機関から新しい${label}が届きました。`,
    report: `あなたが送った${label}に報告が届きました。`,
    decline: `あなたが送った${label}に「読影しない」旨の回答が届きました。`,
    addendum: `${label}に追記がありました。`,
    assignment: `地域連携室から${label}の担当に割り当てられました。`,
  };
  return {
    subject: `[Renkei] ${news[notice].replace(/。$/, '')}`,
    text: `${news[notice]}\nRenkei の受信箱で確認してください（登録端末からログインが必要です）。\n${inboxUrl}\n\nこのメールは送信専用です。`,
  };
}

export interface MailerOptions {
  /** smtp://host:port or smtps://user:pass@host:port (RENKEI_SMTP_URL). */
  smtpUrl: string;
  from: string;
  /** The web app's inbox, linked from every notice. */
  inboxUrl: string;
  /** The first retry waits this long, each further one twice as long, up to `maxRetryMs` (default 30 s and 1 h). */
  retryBaseMs?: number;
  maxRetryMs?: number;
}

/** How long a notice waits after `attempts` failures. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

const BATCH = 50;
/** A claimed notice is someone's to send for this long; after it, another delivery takes it up. */
const CLAIM_LEASE_MS = 10 * 60_000;

/**
 * Delivers the outbox. Notices are claimed with SKIP LOCKED, so several
 * servers deliver side by side; a notice is marked delivered only after the
 * mail server accepted it (a crash in between sends it again: twice rather
 * than never).
 */
export class ExchangeMailer {
  private readonly transport: Transporter;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly stores: { identity: Db; clinical: Db },
    private readonly options: MailerOptions,
  ) {
    // Fails at start on a URL nodemailer cannot use. Short timeouts: a mail server that hangs is tried again later.
    this.transport = nodemailer.createTransport({ url: options.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  }

  /** Delivers what is due now; returns how many were delivered and how many wait for a retry. */
  async deliverDue(now = new Date()): Promise<{ delivered: number; failed: number; dropped: number }> {
    const result = { delivered: 0, failed: 0, dropped: 0 };
    for (;;) {
      const batch = await this.deliverBatch(now, result);
      if (batch < BATCH) return result;
    }
  }

  private async deliverBatch(now: Date, result: { delivered: number; failed: number; dropped: number }): Promise<number> {
    const { clinical } = this.stores;
    // Claimed in a short transaction (their next attempt moved past a lease), then sent outside it: a slow or
    // unreachable mail server never holds the store, and a process that dies mid-batch leaves them to the next.
    const rows = await clinical.transaction(async (tx) => {
      const due = await tx.query<{ id: string; user_id: string; notice: NoticeKind; item_kind: ExchangeKind; attempts: number }>(
        `SELECT id, user_id, notice, item_kind, attempts FROM exchange_mail_outbox
          WHERE delivered_at IS NULL AND dropped_reason IS NULL AND next_attempt_at <= $1
          ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, BATCH],
      );
      if (due.rows.length > 0) await tx.query('UPDATE exchange_mail_outbox SET next_attempt_at = $2 WHERE id = ANY($1::bigint[])', [due.rows.map((r) => r.id), new Date(now.getTime() + CLAIM_LEASE_MS)]);
      return due.rows;
    });
    if (rows.length === 0) return 0;
    const addresses = await this.addresses(rows.map((r) => r.user_id));
    for (const row of rows) {
      const to = addresses.get(row.user_id);
      if (!to) {
        // No address in 個人設定 (or the ID is deactivated): nothing to deliver to; the item waits in the inbox itself.
        await clinical.query("UPDATE exchange_mail_outbox SET dropped_reason = 'no-address' WHERE id = $1", [row.id]);
        result.dropped++;
        continue;
      }
      try {
        const mail = noticeMail(row.notice, row.item_kind, this.options.inboxUrl);
        await this.transport.sendMail({ from: this.options.from, to, subject: mail.subject, text: mail.text });
        await clinical.query('UPDATE exchange_mail_outbox SET delivered_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1', [row.id, new Date()]);
        result.delivered++;
      } catch (error) {
        const attempts = row.attempts + 1;
        const wait = retryDelayMs(attempts, this.options.retryBaseMs ?? 30_000, this.options.maxRetryMs ?? 3_600_000);
        const reason = (error as { code?: string }).code ?? 'delivery failed';
        await clinical.query('UPDATE exchange_mail_outbox SET attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1', [row.id, attempts, new Date(now.getTime() + wait), reason]);
        result.failed++;
      }
    }
    return rows.length;
  }

  private async addresses(userIds: string[]): Promise<Map<string, string>> {
    const { rows } = await this.stores.identity.query<{ id: string; email: string }>(
      "SELECT id, email FROM users WHERE id = ANY($1::text[]) AND active AND email IS NOT NULL AND email <> ''",
      [[...new Set(userIds)]],
    );
    return new Map(rows.map((r) => [r.id, r.email]));
  }

  /** Delivers every `intervalMs` (default 15 s) until stopped. */
  start(intervalMs = 15_000): void {
    const tick = () => {
      this.running ??= this.deliverDue()
        .catch(() => undefined)
        .finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    this.transport.close();
  }
}
