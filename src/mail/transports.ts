import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { RenderedMail } from './message.js';

/** Delivers one rendered mail, or throws (the worker then retries it later). */
export interface MailTransport {
  /** what the logs call it: `smtp` or `outbox directory` */
  readonly name: string;
  send(mail: RenderedMail, id: string): Promise<void>;
  close(): void;
}

/** SMTP timeouts: a server that stops answering fails the attempt well within the worker's lease. */
const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 };

/**
 * SMTP through nodemailer: `smtp://user:pass@host:587` (STARTTLS when the server offers it) or
 * `smtps://…` (TLS from the start); nodemailer's own query options (e.g. `?requireTLS=true`) work.
 * nodemailer's logger stays off: it would log addresses and content.
 */
export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport({ url, ...TIMEOUTS, logger: false, debug: false });
  return {
    name: 'smtp',
    async send(mail) {
      await transporter.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
    close: () => transporter.close(),
  };
}

/**
 * Development without a mail server: each mail becomes `<dir>/<id>.eml` (RFC 5322, openable by
 * any mail client), written to a temporary name and renamed so a reader never sees half a file,
 * readable by its owner only (it holds single-use links). The path is logged, never the content.
 */
export function outboxDirectoryTransport(dir: string, from: string, logger: Logger): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    name: 'outbox directory',
    async send(mail, id) {
      const info = await composer.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const path = join(dir, `${id}.eml`);
      const partial = join(dir, `.${id}.${randomUUID()}.tmp`);
      await writeFile(partial, info.message as Buffer, { mode: 0o600 });
      await rename(partial, path);
      logger.info({ mailId: id, path }, 'mail written to the outbox directory (GATEHOUSE_SMTP_URL is not set)');
    },
    close: () => composer.close(),
  };
}
