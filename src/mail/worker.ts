import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { backoffMs } from '../domain/backoff.js';
import { Poller } from '../ops/poller.js';
import type { Secrets } from '../domain/secrets.js';
import type { MailOutboxStore, OutboxMail } from '../store/ports.js';
import { mailSealContext } from './mailer.js';
import type { RenderedMail } from './message.js';
import type { MailTransport } from './transports.js';

/** Messages one poll leases at most. */
const BATCH = 10;
const MAX_BACKOFF_MS = 3_600_000;

/** The delay before attempt `attempt + 1`: the base doubled per failed attempt, at most an hour, ±20 % jitter. */
export function mailBackoffMs(baseMs: number, failedAttempts: number, random = Math.random): number {
  return backoffMs(baseMs, MAX_BACKOFF_MS, failedAttempts, random);
}

/** The failure as it is kept: an SMTP reply code and the first line of the error, never the message. */
function describe(err: unknown): string {
  const e = err as { responseCode?: number; code?: string; message?: string };
  return [e.responseCode, e.code, String(e.message ?? err).split('\n')[0]].filter(Boolean).join(' ').slice(0, 300);
}

/**
 * Delivers the stored outbox: every `mail.pollIntervalMs` (and at once when `kick`ed) it leases
 * due messages (a lease is exclusive across instances, so none is sent twice while its lease
 * holds), opens each, hands it to the transport and records the outcome; a failure is retried
 * with exponential backoff until `mail.maxAttempts`. A process that dies mid-send leaves its lease
 * to expire and another worker sends the message: delivery is at least once.
 */
export class MailWorker {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly poller: Poller;

  constructor(private readonly deps: {
    store: MailOutboxStore; secrets: Secrets; transport: MailTransport; logger: Logger;
    settings: Config['mail']; now?: () => Date;
  }) {
    // a full batch: more may be due
    this.poller = new Poller({
      name: 'mail outbox poll', intervalMs: deps.settings.pollIntervalMs, logger: deps.logger, task: async () => (await this.poll()) === BATCH,
    });
  }

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  /** Starts polling (the timer does not keep the process alive). */
  start(): void {
    this.poller.start();
  }

  /** Runs a poll now, or right after the one running (polls never overlap). */
  kick(): void {
    this.poller.kick();
  }

  /** Polls until a poll finds nothing more to send; resolves when done. For tests. */
  drain(): Promise<void> {
    return this.poller.drain();
  }

  /** One lease-and-send round. @returns how many messages it leased */
  async poll(): Promise<number> {
    const now = this.now();
    const leased = await this.deps.store.lease(this.owner, now, new Date(now.getTime() + this.deps.settings.leaseMs), BATCH);
    for (const mail of leased) await this.deliver(mail);
    return leased.length;
  }

  private async deliver(mail: OutboxMail): Promise<void> {
    const { store, logger, transport, settings } = this.deps;
    let rendered: RenderedMail;
    try {
      rendered = JSON.parse(this.deps.secrets.unseal(mail.sealed, mailSealContext(mail.id))) as RenderedMail;
    } catch {
      await store.markFailed(mail.id, this.owner, this.now(), 'cannot open the sealed message (was GATEHOUSE_SECRET changed?)', null);
      logger.error({ mailId: mail.id, kind: mail.kind }, 'mail given up: its sealed body cannot be opened');
      return;
    }
    try {
      await transport.send(rendered, mail.id);
    } catch (err) {
      const attempts = mail.attempts + 1;
      const next = attempts >= settings.maxAttempts ? null : new Date(this.now().getTime() + mailBackoffMs(settings.retryBaseMs, attempts));
      await store.markFailed(mail.id, this.owner, this.now(), describe(err), next);
      logger.warn({ mailId: mail.id, kind: mail.kind, attempts, error: describe(err), retryAt: next?.toISOString() ?? null },
        next ? 'mail delivery failed; will retry' : 'mail delivery failed; given up');
      return;
    }
    if (!(await store.markSent(mail.id, this.owner, this.now()))) {
      logger.warn({ mailId: mail.id }, 'mail sent after its lease had passed to another worker; it may arrive twice');
    }
    logger.info({ mailId: mail.id, kind: mail.kind, transport: transport.name }, 'mail sent');
  }

  /** Stops polling and waits for the send in progress. */
  async close(): Promise<void> {
    await this.poller.stop();
    this.deps.transport.close();
  }
}
