import { html } from '../../../oauth/interactions/html.js';
import { pageOf, type Outcome } from '../../ui/view.js';
import type { OrgPage } from '../section.js';
import { SECURITY } from './model.js';

/** The codes as a text file: a `data:` link, so downloading works without script and the server keeps nothing. */
function downloadHref(page: OrgPage, codes: readonly string[]): string {
  const text = [`Gatehouse recovery codes for ${page.me.email}`, 'Each code signs you in once, in place of your second factor.', '', ...codes, ''].join('\n');
  return `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
}

/**
 * The one time recovery codes are shown (with a first factor, or regenerated): a read-only text
 * area labelled "Recovery codes" with a copy button, and a download as a text file.
 */
export function recoveryCodesShown(page: OrgPage, codes: readonly string[], title: string, lead: string): Outcome {
  return pageOf(title, html`<section class="panel form-panel" data-reload-on-close>
<h1 id="page-title">${title}</h1>
<p>${lead}</p>
<div class="notice warn" role="status">Save these codes now. Each one signs you in once if you lose your second factor. They are not shown again.</div>
<div class="secret">
<label for="recovery-codes">Recovery codes</label>
<textarea id="recovery-codes" class="codes" readonly rows="${Math.ceil(codes.length / 2) + 1}" spellcheck="false" autocomplete="off">${codes.join('\n')}</textarea>
<div class="form-actions">
<button type="button" class="button js-only" data-copy="recovery-codes">Copy</button>
<a class="button" href="${downloadHref(page, codes)}" download="gatehouse-recovery-codes.txt">Download as text</a>
</div>
<p class="hint" role="status" data-copy-status="recovery-codes"></p>
</div>
<div class="form-actions"><a class="button primary" href="${page.base}${SECURITY}" data-close>I saved them</a></div>
</section>`, 201);
}
