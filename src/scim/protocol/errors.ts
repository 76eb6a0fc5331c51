import { URN } from './urns.js';

/** The `scimType` values of RFC 7644 §3.12 that Gatehouse answers with. */
export type ScimType = 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget'
  | 'invalidValue' | 'invalidVers' | 'sensitive';

/** An error in SCIM's own schema (RFC 7644 §3.12): the one shape every `/scim/v2` failure takes. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
    /** response headers to add (e.g. `WWW-Authenticate`, `Retry-After`) */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  body(): Record<string, unknown> {
    return { schemas: [URN.error], status: String(this.status), ...(this.scimType ? { scimType: this.scimType } : {}), detail: this.detail };
  }
}

/** The 400s and 404s the protocol layer raises. */
export const scimErrors = {
  invalidFilter: (detail: string) => new ScimError(400, detail, 'invalidFilter'),
  invalidSyntax: (detail: string) => new ScimError(400, detail, 'invalidSyntax'),
  invalidPath: (detail: string) => new ScimError(400, detail, 'invalidPath'),
  invalidValue: (detail: string) => new ScimError(400, detail, 'invalidValue'),
  noTarget: (detail: string) => new ScimError(400, detail, 'noTarget'),
  mutability: (detail: string) => new ScimError(400, detail, 'mutability'),
  uniqueness: (detail: string) => new ScimError(409, detail, 'uniqueness'),
  notFound: (what: string) => new ScimError(404, `No such ${what}.`),
};
