import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on 127.0.0.1 (port 0) that keeps every message, parsed with mailparser. */
export interface SmtpSink {
  /** `smtp://user:pass@127.0.0.1:<port>`: what GATEHOUSE_SMTP_URL is set to */
  url: string;
  received: ParsedMail[];
  /** envelope recipients per message, in order */
  recipients: string[][];
  /** the next message to arrive (or one already received and not yet taken) */
  next(timeoutMs?: number): Promise<ParsedMail>;
  /** answer the next `count` messages with a temporary failure (451) */
  failNext(count: number): void;
  /** marks every message received so far as taken (`next` then waits for a new one) */
  discard(): void;
  close(): Promise<void>;
}

/** Starts an SMTP server that requires the credentials in its URL (plain AUTH without TLS is fine on loopback). */
export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ParsedMail[] = [];
  const recipients: string[][] = [];
  const waiting: Array<(mail: ParsedMail) => void> = [];
  let taken = 0;
  let failures = 0;
  const server = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS'], allowInsecureAuth: true, logger: false,
    onAuth(auth, _session, done) {
      if (auth.username === 'gatehouse' && auth.password === 'smtp-pass') return done(null, { user: auth.username });
      return done(new Error('invalid credentials'));
    },
    onData(stream, session, done) {
      if (failures > 0) {
        failures--;
        stream.resume();
        stream.on('end', () => done(Object.assign(new Error('try again later'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream).then((mail) => {
        received.push(mail);
        recipients.push(session.envelope.rcptTo.map((r) => r.address));
        waiting.shift()?.(mail);
        done();
      }, done);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://gatehouse:smtp-pass@127.0.0.1:${port}`,
    received, recipients,
    next(timeoutMs = 5000) {
      if (taken < received.length) return Promise.resolve(received[taken++]);
      return new Promise((resolve, reject) => {
        const waiter = (mail: ParsedMail) => {
          clearTimeout(timer);
          taken++;
          resolve(mail);
        };
        // a waiter that gave up leaves the queue, so the next mail goes to the next caller
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(waiter), 1);
          reject(new Error(`no mail within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.push(waiter);
      });
    },
    failNext(count) {
      failures = count;
    },
    discard() {
      taken = received.length;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The `.eml` files Gatehouse wrote under `<dataDir>/outbox/` (no SMTP configured), parsed, oldest first. */
export async function outboxMails(dataDir: string): Promise<ParsedMail[]> {
  let files: string[];
  try {
    files = readdirSync(join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return Promise.all(files.map((f) => simpleParser(readFileSync(join(dataDir, 'outbox', f)))));
}

/** The invitation link in a mail's plain-text part. */
export function invitationLink(mail: ParsedMail): URL {
  const match = /https?:\/\/\S+\/invitation\?token=[A-Za-z0-9_-]+/.exec(mail.text ?? '');
  if (!match) throw new Error(`no invitation link in:\n${mail.text}`);
  return new URL(match[0]);
}
