import type { Raw } from '../../oauth/interactions/html.js';

/** What a console page handler answers: a page (or, in a dialog, its content), or a redirect. */
export type Outcome =
  | { kind: 'page'; title: string; body: Raw; status?: number }
  | { kind: 'redirect'; to: string };

export const pageOf = (title: string, body: Raw, status?: number): Outcome => ({ kind: 'page', title, body, status });
export const redirectTo = (to: string): Outcome => ({ kind: 'redirect', to });
