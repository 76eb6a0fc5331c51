import type { Section } from '../section.js';
import { createKey, newKeyForm } from './create.js';
import { showKey } from './detail.js';
import { confirmRevoke, revokeKey, rotateKey, setEnabled } from './lifecycle.js';
import { listKeys } from './list.js';
import { READ } from './model.js';

/** API keys: list, create (shown once), rotate with a grace period, disable and enable, revoke with confirmation, per-key usage. */
export const apiKeysSection: Section = {
  path: 'api-keys', title: 'API keys', permission: READ,
  routes: [
    { method: 'GET', path: '', handle: listKeys },
    { method: 'GET', path: '/new', handle: newKeyForm },
    { method: 'POST', path: '', handle: createKey },
    { method: 'GET', path: '/:id', handle: showKey },
    { method: 'POST', path: '/:id/rotate', handle: rotateKey },
    { method: 'POST', path: '/:id/disable', handle: setEnabled(false) },
    { method: 'POST', path: '/:id/enable', handle: setEnabled(true) },
    { method: 'GET', path: '/:id/revoke', handle: confirmRevoke },
    { method: 'POST', path: '/:id/revoke', handle: revokeKey },
  ],
};
