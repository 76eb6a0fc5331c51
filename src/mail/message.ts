// the pages' escaping, so mail and pages cannot escape differently
import { escapeHtml } from '../oauth/interactions/html.js';

/** Who a mail is sent on behalf of: every mail names the organization it concerns (SPEC §7). */
export interface MailOrganization {
  id: string;
  name: string;
}

/** What a template makes: a subject and paragraphs, the plain-text part built from them. */
export interface MailContent {
  subject: string;
  /** paragraphs of plain text; a paragraph that is only a URL becomes a link in the HTML part */
  paragraphs: string[];
}

/** A mail ready to leave: both parts, the sender added by the transport. Sealed in the outbox. */
export interface RenderedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

const URL_ONLY = /^https?:\/\/\S+$/;

/**
 * Both parts of a mail, each ending with a line naming the organization (or the deployment, for
 * mail that concerns none), so a recipient always sees who the mail is about.
 */
export function renderMail(to: string, organization: MailOrganization | null, content: MailContent): RenderedMail {
  const footer = organization ? `Sent by Gatehouse on behalf of ${organization.name}.` : 'Sent by Gatehouse.';
  const text = [...content.paragraphs, '--', footer].join('\n\n') + '\n';
  const body = content.paragraphs.map((p) => (URL_ONLY.test(p)
    ? `<p><a href="${escapeHtml(p)}">${escapeHtml(p)}</a></p>`
    : `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`));
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>`
    + `<body>${body.join('')}<hr><p>${escapeHtml(footer)}</p></body></html>`;
  return { to, subject: content.subject, text, html };
}
