import { newId } from '../domain/ids.js';
import type { Secrets } from '../domain/secrets.js';
import type { MailOutboxStore } from '../store/ports.js';
import { renderMail, type MailContent, type MailOrganization, type RenderedMail } from './message.js';

/** The sealing context of an outbox message: a sealed body cannot be moved to another message. */
export const mailSealContext = (id: string) => `mail:${id}`;

export interface SendMailInput {
  to: string;
  /** what the mail is for (`invitation`, `password_reset`, …): kept readable for operators */
  kind: string;
  /** the organization the mail concerns; it is named in both parts */
  organization: MailOrganization | null;
  content: MailContent;
  /** at most one mail per key, whatever retries do (see `OutboxMail.dedupeKey`) */
  dedupeKey?: string;
}

/**
 * How every feature sends mail: `send` renders it (plain text and HTML, naming the organization),
 * seals it with GATEHOUSE_SECRET and stores it in the outbox, in the caller's request; the
 * worker delivers it from there (`worker.ts`), so a crash or a mail server that is down loses
 * nothing and no link ever sits in the store in the clear.
 */
export class Mailer {
  constructor(private readonly deps: {
    store: MailOutboxStore; secrets: Secrets; now?: () => Date;
    /** told after each enqueue, so the worker sends at once instead of at its next poll */
    onEnqueued?: () => void;
  }) {}

  /** @returns the outbox message's id; null when a mail with the same `dedupeKey` was stored already */
  send(input: SendMailInput & { dedupeKey?: undefined }): Promise<string>;
  send(input: SendMailInput): Promise<string | null>;
  async send(input: SendMailInput): Promise<string | null> {
    const id = newId('mail');
    const rendered: RenderedMail = renderMail(input.to, input.organization, input.content);
    const now = (this.deps.now ?? (() => new Date()))();
    const stored = await this.deps.store.enqueue({
      id, kind: input.kind, organizationId: input.organization?.id ?? null,
      sealed: this.deps.secrets.seal(JSON.stringify(rendered), mailSealContext(id)),
      status: 'pending', attempts: 0, nextAttemptAt: now, leaseOwner: null, leaseExpiresAt: null, lastError: null,
      createdAt: now, finishedAt: null, dedupeKey: input.dedupeKey ?? null,
    });
    if (!stored) return null;
    this.deps.onEnqueued?.();
    return id;
  }
}
