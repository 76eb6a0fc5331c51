import type { Context } from 'koa';
import type { User } from '../../store/ports.js';
import type { InteractionContext } from './context.js';

/** The login step that finishes a sign-in through an identity provider: `GET /interaction/:uid/sso`. */
export const FEDERATED_RETURN_STEP = 'sso';

/** An email's identity provider, as the login pages see it. */
export interface FederatedRoute {
  organizationId: string;
  /** its organization requires it: no password, no passkey alone */
  required: boolean;
}

/** What the login prompt lends a federated sign-in to finish with. */
export interface SignInFinisher {
  /** why this person cannot use the interaction's client (not a member where it acts), or null */
  refusal(userId: string): Promise<string | null>;
  /** email verification, a second factor or enrolment, then the end of the login prompt */
  continueSignIn(ctx: Context, ic: InteractionContext, user: User, amr: string[]): Promise<void>;
}

/**
 * Single sign-on as the login pages use it (SPEC §10; built in `sso/`): whether the login page
 * asks for the email first, which emails go to an identity provider, sending the browser there,
 * and taking it back.
 */
export interface FederatedSignIn {
  emailFirst(): Promise<boolean>;
  route(email: string): Promise<FederatedRoute | null>;
  /** Sends the browser to the provider of `email` (a page that leads there). */
  start(ctx: Context, ic: InteractionContext, route: FederatedRoute, email: string): Promise<void>;
  /** The provider's answer (`GET /interaction/:uid/sso?code=…&state=…`): signs the person in, or says why not. */
  finish(ctx: Context, ic: InteractionContext, finisher: SignInFinisher): Promise<void>;
  /** Whether this account must sign in through its organization's provider (a session made otherwise signs in again). */
  requiredForAccount(accountId: string): Promise<boolean>;
}
