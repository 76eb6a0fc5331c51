import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Where a sign-in stands between its first factor and its end: `unverified` (the password was
 * right, the email is not verified yet), `second_factor` (a second factor is asked), `enrol` (the
 * organization requires a second factor the person does not have yet), `enrolled` (one was just
 * added; the recovery codes are on screen).
 */
export type SignInStage = 'unverified' | 'second_factor' | 'enrol' | 'enrolled';

export interface PendingSignIn {
  uid: string;
  userId: string;
  stage: SignInStage;
  /** the authentication methods used so far (RFC 8176), e.g. `["pwd"]` */
  amr: string[];
  /** expiry, epoch seconds */
  exp: number;
}

/** How long the steps after a password may take. */
const TTL_SECONDS = 600;

/**
 * The pending state of a sign-in, carried by the page's forms as a token the server signed (HMAC
 * under a key derived from the master secret): bound to the interaction (and so to the browser
 * holding its cookie), to the person, to the stage it allows, and to ten minutes. A form cannot
 * claim a first factor it did not pass, another person, or a later stage.
 */
export class PendingSignIns {
  constructor(private readonly key: Buffer, private readonly now: () => number = () => Date.now()) {}

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest();
  }

  issue(p: Omit<PendingSignIn, 'exp'>): string {
    const body = Buffer.from(JSON.stringify({ ...p, exp: Math.floor(this.now() / 1000) + TTL_SECONDS })).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The pending sign-in of this interaction at one of `stages`, when the token is ours and fresh; else null. */
  read(uid: string, token: unknown, stages: readonly SignInStage[]): PendingSignIn | null {
    if (typeof token !== 'string' || token.length > 2048) return null;
    const [body, mac] = token.split('.');
    if (!body || !mac) return null;
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as PendingSignIn;
    if (p.uid !== uid || !stages.includes(p.stage) || p.exp < this.now() / 1000) return null;
    return p;
  }
}
