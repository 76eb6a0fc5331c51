import { html, Raw } from '../../oauth/interactions/html.js';
import type { AssetName, ConsoleAssets } from './assets.js';
import { csrfField } from './forms.js';

/** What frames a signed-in page: who, which organization, which sections. */
export interface Chrome {
  email: string;
  csrf: string;
  current: { slug: string; name: string };
  orgs: Array<{ slug: string; name: string }>;
  nav: Array<{ title: string; href: string; current: boolean }>;
}

/** Headers of every console page: no script or style but the console's own files, no framing, no caching. */
export const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/**
 * The organization menu: the ones this session holds switch at once; "Another organization"
 * signs in again without naming one, so Gatehouse's picker lists every organization the person
 * belongs to (silently, while their Gatehouse session lasts, for someone in only one).
 */
function switcher(c: Chrome): Raw {
  const others = c.orgs.filter((o) => o.slug !== c.current.slug);
  return html`<details class="switcher">
<summary><span class="vh">Organization: </span>${c.current.name} <span class="muted">${c.current.slug}</span></summary>
<div class="menu">
<nav aria-label="Your organizations"><ul>
${others.map((o) => html`<li><a href="/console/o/${o.slug}">${o.name} <span class="muted">${o.slug}</span></a></li>`)}
<li><a href="/console/sign-in">Another organization…</a></li>
</ul></nav>
</div>
</details>`;
}

/**
 * A whole console page. Without `chrome` (signed out), only the brand bar is shown. `script`:
 * another of the console's scripts the page loads (the WebAuthn ceremony).
 */
export function layout(assets: ConsoleAssets, title: string, body: Raw, chrome: Chrome | null, script?: AssetName): string {
  const top = chrome
    ? html`<header class="topbar">
<a class="brand" href="/console/o/${chrome.current.slug}">Gatehouse</a>
${switcher(chrome)}
<div class="who"><span class="email">${chrome.email}</span>
<form method="post" action="/console/sign-out">${csrfField(chrome.csrf)}<button type="submit" class="link">Sign out</button></form></div>
</header>
<div class="shell">
<nav class="sidenav" aria-label="Console"><ul>${chrome.nav.map((n) => html`<li><a href="${n.href}"${n.current ? html` aria-current="page"` : ''}>${n.title}</a></li>`)}</ul></nav>
<main id="main" tabindex="-1">${body}</main>
</div>`
    : html`<header class="topbar"><span class="brand">Gatehouse</span></header>
<div class="shell single"><main id="main" tabindex="-1">${body}</main></div>`;
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}${chrome ? ` · ${chrome.current.name}` : ''} · Gatehouse console</title>
<link rel="stylesheet" href="${assets.url('console.css')}">
<script src="${assets.url('console.js')}" defer></script>
${script ? html`<script src="${assets.url(script)}" defer></script>` : ''}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
${top}
</body>
</html>`.value;
}
