/** Words for what a scope lets an application do, shown on the consent page. */
const OIDC: Record<string, string> = {
  openid: 'Sign you in with your Gatehouse account',
  profile: 'See your name',
  email: 'See your email address',
  offline_access: 'Stay connected when you are not using it (refresh tokens)',
};

const NOUNS: Record<string, string> = {
  organizations: 'organization settings', users: 'members and their roles', roles: 'roles', clients: 'OAuth applications',
  resources: 'registered APIs', api_keys: 'API keys', audit: 'the audit log',
};

/**
 * A readable description of a scope: OpenID scopes and management permissions in their own
 * words; any other `noun:action` read as a sentence (`pipelines:run` → "Run pipelines").
 */
export function describeScope(scope: string): string {
  if (Object.hasOwn(OIDC, scope)) return OIDC[scope];
  const [noun, action] = scope.split(':');
  if (!noun || !action) return scope;
  const what = Object.hasOwn(NOUNS, noun) ? NOUNS[noun] : noun.replace(/[_.-]+/g, ' ');
  if (action === 'read') return `View ${what}`;
  if (action === 'write') return `Create, change and delete ${what}`;
  if (action === '*') return `Do anything with ${what}`;
  const verb = action.replace(/[_.-]+/g, ' ');
  return `${verb.charAt(0).toUpperCase()}${verb.slice(1)} ${what}`;
}
