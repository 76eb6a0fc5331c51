import type { Mailer } from '../mail/mailer.js';
import type { MailContent, MailOrganization } from '../mail/message.js';
import type { Store, User } from '../store/ports.js';

/**
 * Mail to a person about their account, naming their organization (the one they joined first;
 * the deployment's display name when they belong to none) in the text and in the footer.
 */
export class AccountMail {
  readonly host: string;

  constructor(private readonly deps: { store: Store; mailer: Mailer; issuer: string; displayName: string }) {
    this.host = new URL(deps.issuer).host;
  }

  /** The organization a mail about this person names. */
  async organizationOf(userId: string): Promise<MailOrganization | null> {
    const [first] = (await this.deps.store.memberships.listByUser(userId)).sort((a, b) => (a.id < b.id ? -1 : 1));
    const org = first ? await this.deps.store.organizations.findById(first.organizationId) : null;
    return org ? { id: org.id, name: org.name } : null;
  }

  /** A URL of this deployment: `${issuer}${path}`. */
  url(path: string): string {
    return `${this.deps.issuer}${path}`;
  }

  /** Sends `kind` to the person, the content made with their organization's name. */
  async send(user: Pick<User, 'id' | 'email'>, kind: string, content: (organizationName: string) => MailContent,
    organization?: MailOrganization | null): Promise<void> {
    const org = organization === undefined ? await this.organizationOf(user.id) : organization;
    await this.deps.mailer.send({ to: user.email, kind, organization: org, content: content(org?.name ?? this.deps.displayName) });
  }
}
