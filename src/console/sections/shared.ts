import { html, type Raw } from '../../oauth/interactions/html.js';
import type { ApiAnswer, Problem } from '../api/calls.js';
import { messagePage } from '../http/respond.js';
import { csrfField, problemAlert } from '../ui/forms.js';
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

/** What a confirmation page says and does. */
export interface Confirmation {
  title: string;
  /** the heading: the question asked */
  question: string;
  /** what follows from it */
  body: Raw;
  /** the form's path below the organization's base */
  action: string;
  /** the button that does it, e.g. "Remove member" */
  submit: string;
  /** where Cancel goes, below the organization's base */
  back: string;
  /** the API's refusal of an earlier attempt, shown above the form */
  problem?: Problem | null;
  /** inputs the step needs (e.g. the current password), before the buttons; the first takes the focus */
  fields?: Raw;
}

/** A page (or dialog) asking before a destructive step; the API's refusal, if any, is shown in it. */
export function confirmation(page: OrgPage, c: Confirmation): Outcome {
  return pageOf(c.title, html`<section class="panel form-panel"><h1 id="page-title">${c.question}</h1>
${problemAlert(c.problem ?? null)}
${c.body}
<form method="post" action="${page.base}${c.action}" data-dialog novalidate>${csrfField(page.csrf)}${c.fields ?? ''}
<div class="form-actions"><button type="submit" class="button danger">${c.submit}</button>
<a class="button" href="${page.base}${c.back}" data-close${c.fields ? '' : html` autofocus`}>Cancel</a></div></form></section>`, c.problem ? c.problem.status : 200);
}
