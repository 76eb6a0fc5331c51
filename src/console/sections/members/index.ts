import type { Section } from '../section.js';
import { confirmDisable, confirmRemove, disableMember, editRoles, enableMember, removeMember, saveRoles } from './change.js';
import { newInvitation, revokeInvitation, sendInvitation } from './invite.js';
import { listMembers } from './list.js';
import { READ } from './model.js';

/** Members and invitations: list, change roles, disable/enable, remove (asked first), invite and revoke invitations. */
export const membersSection: Section = {
  path: 'members', title: 'Members', permission: READ,
  routes: [
    { method: 'GET', path: '', handle: listMembers },
    { method: 'GET', path: '/invite', handle: newInvitation },
    { method: 'POST', path: '/invite', handle: sendInvitation },
    { method: 'POST', path: '/invitations/:id/revoke', handle: revokeInvitation },
    { method: 'GET', path: '/:id/roles', handle: editRoles },
    { method: 'POST', path: '/:id/roles', handle: saveRoles },
    { method: 'GET', path: '/:id/disable', handle: confirmDisable },
    { method: 'POST', path: '/:id/disable', handle: disableMember },
    { method: 'POST', path: '/:id/enable', handle: enableMember },
    { method: 'GET', path: '/:id/remove', handle: confirmRemove },
    { method: 'POST', path: '/:id/remove', handle: removeMember },
  ],
};
