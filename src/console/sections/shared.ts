import { html, type Raw } from '../../oauth/interactions/html.js';
import type { ApiAnswer, Problem } from '../api/calls.js';
import { messagePage } from '../http/respond.js';
import { pageOf, type Outcome } from '../ui/view.js';
import type { OrgPage } from './section.js';

/** A page of a listing, as every management listing answers. */
export interface Listing<T> {
  data: T[];
  next_cursor: string | null;
}

/** A page for an API answer the page cannot show (its problem in words, its status kept). */
export function apiFailure(title: string, problem: Problem): Outcome {
  const message = problem.status === 403 ? `You are not allowed to see this: ${problem.detail ?? 'missing permission'}` : (problem.detail ?? 'The request failed.');
  return pageOf(title, messagePage(problem.status === 404 ? 'Not found' : title, message), problem.status >= 400 ? problem.status : 502);
}

/** The confirmation shown after a redirect (`?done=<what>`), from a fixed list of messages. */
export function flash(page: OrgPage, messages: Record<string, string>): Raw {
  const done = page.query.done;
  const text = done && Object.hasOwn(messages, done) ? messages[done] : null;
  return text ? html`<div class="notice" role="status">${text}</div>` : html``;
}

/** "Next page" for a cursor listing. */
export function pager(page: OrgPage, path: string, nextCursor: string | null): Raw {
  const first = page.query.cursor ? html`<a href="${page.base}/${path}">First page</a>` : '';
  const next = nextCursor ? html`<a href="${page.base}/${path}?cursor=${encodeURIComponent(nextCursor)}">Next page</a>` : '';
  return first || next ? html`<nav class="pager" aria-label="Pages">${first}${next}</nav>` : html``;
}

/** One page of a listing (`limit`, and the `cursor` of the page's query when there is one). */
export function fetchListing<T>(page: OrgPage, path: string, limit: number): Promise<ApiAnswer<Listing<T>>> {
  const cursor = page.query.cursor ? `&cursor=${encodeURIComponent(page.query.cursor)}` : '';
  return page.api.get<Listing<T>>(`${path}?limit=${limit}${cursor}`);
}
