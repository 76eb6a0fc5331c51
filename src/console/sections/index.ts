import { apiKeysSection } from './api-keys/index.js';
import { auditSection } from './audit.js';
import { connectedAppsSection } from './connected-apps.js';
import { membersSection } from './members/index.js';
import { oauthAppsSection } from './oauth-apps/index.js';
import { rolesSection } from './roles.js';
import { scimSection } from './scim/index.js';
import type { Section } from './section.js';
import { securitySection } from './security/index.js';
import { settingsSection } from './settings.js';
import { webhooksSection } from './webhooks/index.js';

/**
 * The console's pages, in navigation order. Pages whose API is still to come (usage) join this
 * list as one module each.
 */
export const SECTIONS: readonly Section[] = [
  apiKeysSection, membersSection, rolesSection, oauthAppsSection, connectedAppsSection, webhooksSection, scimSection,
  auditSection, settingsSection, securitySection,
];
