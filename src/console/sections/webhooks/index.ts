import type { Section } from '../section.js';
import { showEndpoint } from './detail.js';
import { createEndpoint, editEndpoint, newEndpoint, updateEndpoint } from './form.js';
import { confirmDelete, deleteEndpoint, redeliver, rotateSecret, setEnabled } from './lifecycle.js';
import { listEndpoints } from './list.js';
import { READ } from './model.js';

/** Webhooks: endpoints (secret shown once, edit, enable/disable, rotate, delete asked first), their deliveries and redelivery. */
export const webhooksSection: Section = {
  path: 'webhooks', title: 'Webhooks', permission: READ,
  routes: [
    { method: 'GET', path: '', handle: listEndpoints },
    { method: 'GET', path: '/new', handle: newEndpoint },
    { method: 'POST', path: '', handle: createEndpoint },
    { method: 'GET', path: '/:id', handle: showEndpoint },
    { method: 'GET', path: '/:id/edit', handle: editEndpoint },
    { method: 'POST', path: '/:id', handle: updateEndpoint },
    { method: 'POST', path: '/:id/enable', handle: setEnabled(true) },
    { method: 'POST', path: '/:id/disable', handle: setEnabled(false) },
    { method: 'POST', path: '/:id/rotate', handle: rotateSecret },
    { method: 'GET', path: '/:id/delete', handle: confirmDelete },
    { method: 'POST', path: '/:id/delete', handle: deleteEndpoint },
    { method: 'POST', path: '/:id/deliveries/:delivery/redeliver', handle: redeliver },
  ],
};
