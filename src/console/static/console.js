// Gatehouse console: progressive enhancement only. Every page works without this file; with it,
// forms marked data-dialog open in a modal dialog and secrets get a working copy button.
'use strict';
document.documentElement.classList.add('js');

let dialog = null;
let reloadOnClose = false;

function ensureDialog() {
  if (dialog) return dialog;
  dialog = document.createElement('dialog');
  dialog.className = 'console-dialog';
  dialog.addEventListener('close', () => {
    dialog.replaceChildren();
    if (reloadOnClose) window.location.reload();
  });
  dialog.addEventListener('click', (event) => {
    const close = event.target.closest('[data-close]');
    if (close) {
      event.preventDefault();
      dialog.close();
    }
  });
  document.body.append(dialog);
  return dialog;
}

function showInDialog(markup) {
  const d = ensureDialog();
  const body = document.createElement('div');
  body.className = 'dialog-body';
  body.innerHTML = markup;
  // the fragment's heading names the dialog (renamed: the page behind has its own #page-title)
  const heading = body.querySelector('h1, h2');
  if (heading) {
    heading.id = 'dialog-title';
    d.setAttribute('aria-labelledby', 'dialog-title');
  }
  d.replaceChildren(body);
  if (body.querySelector('[data-reload-on-close]')) reloadOnClose = true;
  if (!d.open) d.showModal();
  const focus = body.querySelector('[autofocus]') || body.querySelector('input:not([type=hidden]), select, textarea, button, a[href]');
  if (focus) focus.focus();
}

document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-dialog')) return;
  event.preventDefault();
  const data = new FormData(form, event.submitter);
  const method = (form.getAttribute('method') || 'get').toUpperCase();
  let url = form.action;
  const init = { method, headers: { 'X-Console-Fragment': '1' }, credentials: 'same-origin' };
  if (method === 'GET') url += (url.includes('?') ? '&' : '?') + new URLSearchParams(data).toString();
  else init.body = new URLSearchParams(data);
  const buttons = form.querySelectorAll('button');
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const response = await fetch(url, init);
    const location = response.headers.get('X-Console-Location');
    if (location) {
      window.location.assign(location);
      return;
    }
    showInDialog(await response.text());
  } catch {
    form.submit();
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
});

document.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const id = button.getAttribute('data-copy');
  const input = document.getElementById(id);
  const status = document.querySelector(`[data-copy-status="${id}"]`);
  if (!input) return;
  try {
    await navigator.clipboard.writeText(input.value);
    if (status) status.textContent = 'Copied to the clipboard.';
  } catch {
    input.select();
    if (status) status.textContent = 'Press Ctrl+C (or ⌘C) to copy the selected text.';
  }
});
