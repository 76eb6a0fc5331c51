import type { Context } from 'koa';
import type { ApiAnswer } from '../api/calls.js';
import type { FormFields } from '../http/form.js';
import type { Outcome } from '../ui/view.js';

/**
 * The management API below one base path (`/v1/organizations/{org}`, or `/v1/me`), the person's
 * token attached.
 */
export interface OrgApi {
  get<T = Record<string, unknown>>(path: string): Promise<ApiAnswer<T>>;
  post<T = Record<string, unknown>>(path: string, body?: unknown): Promise<ApiAnswer<T>>;
  patch<T = Record<string, unknown>>(path: string, body: unknown): Promise<ApiAnswer<T>>;
  delete<T = Record<string, unknown>>(path: string, body?: unknown): Promise<ApiAnswer<T>>;
}

/** Everything a section's handler gets for one request. */
export interface OrgPage {
  ctx: Context;
  org: { id: string; slug: string; name: string };
  /** the signed-in person */
  me: { userId: string; email: string };
  /** whether the person's token holds the permission (controls it does not are not offered) */
  can(permission: string): boolean;
  permissions: readonly string[];
  csrf: string;
  /** `/console/o/{slug}` */
  base: string;
  /** Gatehouse's issuer URL, the base of its public endpoints (e.g. `/scim/v2`) */
  issuer: string;
  /** what the server's API keys start with (config `apiKeys.prefix`), to show keys as `<prefix>_live_3xK9Qa…` */
  keyPrefix: string;
  api: OrgApi;
  /** the person's own account: paths relative to `/v1/me` */
  account: OrgApi;
  /** the submitted form (POST only, CSRF already checked) */
  form: FormFields | null;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  /** keeps the organization's new name in the session (the header and switcher show it) */
  renamed(name: string): Promise<void>;
  /**
   * Ends this console session (its grants revoked, its cookie cleared), for when the API has
   * ended the person's sessions anyway (a password change); the page is then shown signed out.
   */
  endSession(): Promise<void>;
}

export interface SectionRoute {
  method: 'GET' | 'POST';
  /** below the section's path, e.g. `''`, `/new`, `/:id/rotate` */
  path: string;
  handle(page: OrgPage): Promise<Outcome>;
}

/**
 * One page family of the console (API keys, roles, …): its place in the navigation, the
 * permission that shows it, and its routes. A new page is one module exporting one of these,
 * added to `sections/index.ts`.
 */
export interface Section {
  /** URL segment under `/console/o/{org}/` */
  path: string;
  title: string;
  /** the section appears in the navigation when the person holds this permission (null: for everyone signed in) */
  permission: string | null;
  routes: SectionRoute[];
}
