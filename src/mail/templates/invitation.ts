import type { MailContent } from '../message.js';

/** The invitation mail: who invites, to what, the single-use link and until when it works. */
export function invitationMail(v: { organizationName: string; link: string; expiresAt: Date; host: string }): MailContent {
  const until = v.expiresAt.toISOString().replace('T', ' ').slice(0, 16);
  return {
    subject: `You are invited to join ${v.organizationName}`,
    paragraphs: [
      'Hello,',
      `You have been invited to join ${v.organizationName} on ${v.host}. Open this link to accept: if you are new, you choose `
        + 'your password; if you already have an account, you sign in with it.',
      v.link,
      `The link works once and expires on ${until} UTC. If you did not expect this invitation, ignore this mail: nothing happens.`,
    ],
  };
}
