import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Secrets } from '../domain/secrets.js';
import type { MailOutboxStore } from '../store/ports.js';
import { Mailer } from './mailer.js';
import { outboxDirectoryTransport, smtpTransport, type MailTransport } from './transports.js';
import { MailWorker } from './worker.js';

export interface MailPart {
  /** what features call: `mailer.send({to, kind, organization, content})` */
  mailer: Mailer;
  /** delivers the stored outbox; started by the composition root, closed on shutdown */
  worker: MailWorker;
}

/**
 * Mail (SPEC §1, §7): SMTP through nodemailer when `GATEHOUSE_SMTP_URL` is set, otherwise `.eml`
 * files under `<dataDir>/outbox/`; either way through the stored, sealed outbox.
 */
export function createMail(deps: {
  config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir' | 'mail'>; store: MailOutboxStore; secrets: Secrets; logger: Logger;
  transport?: MailTransport;
}): MailPart {
  const { config } = deps;
  const transport = deps.transport ?? (config.smtpUrl
    ? smtpTransport(config.smtpUrl, config.mailFrom)
    : outboxDirectoryTransport(join(config.dataDir, 'outbox'), config.mailFrom, deps.logger));
  const worker = new MailWorker({ store: deps.store, secrets: deps.secrets, transport, logger: deps.logger, settings: config.mail });
  const mailer = new Mailer({ store: deps.store, secrets: deps.secrets, onEnqueued: () => worker.kick() });
  return { mailer, worker };
}

export { Mailer, type SendMailInput } from './mailer.js';
export { MailWorker, mailBackoffMs } from './worker.js';
export type { MailContent, MailOrganization, RenderedMail } from './message.js';
export type { MailTransport } from './transports.js';
