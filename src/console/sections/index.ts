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
import { usageSection } from './usage/index.js';
import { webhooksSection } from './webhooks/index.js';

/**
 * The console's pages, in navigation order; a new page joins this list as one module.
 */
export const SECTIONS: readonly Section[] = [
  apiKeysSection, usageSection, membersSection, rolesSection, oauthAppsSection, connectedAppsSection, webhooksSection, scimSection,
  auditSection, settingsSection, securitySection,
];
