import { randomBytes } from 'node:crypto';

/** Headers-and-body a page handler can apply to any Koa-like context. */
export interface RenderedPage {
  status: number;
  html: string;
  headers: Record<string, string>;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

/** A template literal tag whose interpolations are escaped, unless wrapped by `raw`. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0];
  values.forEach((v, i) => {
    out += (Array.isArray(v) ? v.map(piece).join('') : piece(v)) + strings[i + 1];
  });
  return new Raw(out);
}

export class Raw {
  constructor(readonly value: string) {}
  toString(): string { return this.value; }
}

function piece(v: unknown): string {
  return v instanceof Raw ? v.value : escapeHtml(v);
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
background:#f3f4f6;color:#111827;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{width:100%;max-width:400px;margin:24px;background:#fff;border-radius:12px;padding:32px;
box-shadow:0 1px 3px rgba(0,0,0,.1),0 8px 24px rgba(0,0,0,.06)}
h1{font-size:1.4rem;margin:0 0 4px}h2{font-size:1.1rem;margin:24px 0 4px}p.lead{margin:0 0 24px;color:#4b5563}
label{display:block;font-weight:600;margin:16px 0 6px}
input[type=email],input[type=password]{width:100%;padding:10px 12px;font-size:1rem;border:1px solid #9ca3af;border-radius:8px}
input:focus,button:focus{outline:3px solid #2563eb;outline-offset:2px}
input[aria-invalid=true]{border-color:#b91c1c}
button{width:100%;margin-top:24px;padding:11px;font-size:1rem;font-weight:600;border:0;border-radius:8px;
background:#1d4ed8;color:#fff;cursor:pointer}button:hover{background:#1e40af}
button.secondary{margin-top:10px;background:#fff;color:#1f2937;border:1px solid #9ca3af}button.secondary:hover{background:#f9fafb}
.alert{margin:0 0 16px;padding:12px 14px;border-radius:8px;background:#fef2f2;color:#991b1b;border:1px solid #fecaca}
.alert:empty{display:none}
ul.scopes{list-style:none;padding:0;margin:0 0 8px}ul.scopes li{padding:10px 0;border-bottom:1px solid #e5e7eb}
ul.scopes code{display:block;font-size:.8rem;color:#6b7280}
.meta{margin-top:24px;font-size:.85rem;color:#6b7280}
fieldset{border:0;padding:0;margin:0}legend{font-weight:600;margin:0 0 6px}
.choice{display:flex;align-items:center;gap:10px;padding:10px 0;border-bottom:1px solid #e5e7eb}
.choice label{margin:0;font-weight:500}.slug{color:#6b7280;font-size:.85rem}
input[type=text]{width:100%;padding:10px 12px;font-size:1.2rem;letter-spacing:.1em;text-transform:uppercase;border:1px solid #9ca3af;border-radius:8px}
a{color:#1d4ed8}a:focus{outline:3px solid #2563eb;outline-offset:2px}
input.plain{font-size:1rem;letter-spacing:normal;text-transform:none}
p.links{display:flex;flex-wrap:wrap;justify-content:space-between;gap:8px;margin:16px 0 0;font-size:.95rem}
.hint{margin:4px 0 0;font-size:.85rem;color:#4b5563}.field-error{margin:4px 0 0;font-size:.9rem;color:#991b1b}.field-error:empty{display:none}
.check{display:flex;align-items:flex-start;gap:10px;margin:16px 0 0}.check label{margin:0;font-weight:500}.check input{margin-top:5px}
.divider{margin:24px 0 0;padding-top:16px;border-top:1px solid #e5e7eb}
.qr svg{display:block;width:100%;max-width:220px;height:auto;margin:0 auto}
code.secret{display:block;margin:8px 0 0;padding:8px;background:#f3f4f6;border-radius:6px;font-size:.95rem;word-break:break-all}
ol.codes{columns:2;gap:16px;padding-left:1.6em;font:1rem/1.8 ui-monospace,Menlo,Consolas,monospace}
.notice{margin:0 0 16px;padding:12px 14px;border-radius:8px;background:#eff6ff;color:#1e3a8a;border:1px solid #bfdbfe}`;

/**
 * A whole page: `lang`, viewport, the stylesheet inline under a per-response nonce, and no script
 * unless `script` names one of ours (the WebAuthn ceremony's, `/assets/webauthn.js`), which then
 * alone may run, under the same nonce, and fetch from this origin only. The CSP forbids framing;
 * `formAction` lists where forms may go (Chromium applies form-action to the redirects that follow
 * a submission, so the client's origin must be there).
 */
export function page(options: { title: string; body: Raw; status?: number; formAction?: string[]; script?: string;
  /** a URL the browser goes on to at once (meta refresh), e.g. an identity provider */
  refresh?: string; }): RenderedPage {
  const nonce = randomBytes(16).toString('base64');
  const formAction = ["'self'", ...(options.formAction ?? [])].join(' ');
  const script = options.script ? `; script-src 'nonce-${nonce}'; connect-src 'self'` : '';
  const doc = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${options.title} · Gatehouse</title>
${options.refresh ? html`<meta http-equiv="refresh" content="0; url=${options.refresh}">` : ''}
<style nonce="${nonce}">${new Raw(STYLE)}</style>
${options.script ? html`<script nonce="${nonce}" src="${options.script}" defer></script>` : ''}
</head>
<body>
<main>
${options.body}
</main>
</body>
</html>`;
  return {
    status: options.status ?? 200,
    html: doc.value,
    headers: {
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'${script}; img-src 'self'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
    },
  };
}

/** Applies a rendered page to a Koa context (oidc-provider's or ours). */
export function send(ctx: { status: number; type: string; body: unknown; set(field: Record<string, string>): void }, rendered: RenderedPage): void {
  ctx.status = rendered.status;
  ctx.set(rendered.headers);
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = rendered.html;
}
