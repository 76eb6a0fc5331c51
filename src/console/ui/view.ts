import type { Raw } from '../../oauth/interactions/html.js';
import type { AssetName } from './assets.js';

/**
 * What a console page handler answers: a page (or, in a dialog, its content), a redirect, or
 * JSON for a page's script (the passkey ceremony asks for its options so).
 */
export type Outcome =
  | { kind: 'page'; title: string; body: Raw; status?: number; script?: AssetName; message?: string }
  | { kind: 'redirect'; to: string }
  | { kind: 'json'; status: number; body: unknown };

/** A page. `script`: one more of the console's scripts the page needs, besides `console.js`. */
export const pageOf = (title: string, body: Raw, status?: number, script?: AssetName): Outcome => ({ kind: 'page', title, body, status, script });
export const redirectTo = (to: string): Outcome => ({ kind: 'redirect', to });
export const jsonOf = (status: number, body: unknown): Outcome => ({ kind: 'json', status, body });
