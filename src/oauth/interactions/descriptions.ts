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

/** A readable description of a scope: OpenID scopes and management permissions in words, else the raw string. */
export function describeScope(scope: string): string {
  if (OIDC[scope]) return OIDC[scope];
  const [noun, action] = scope.split(':');
  const what = NOUNS[noun];
  if (what && action === 'read') return `View ${what}`;
  if (what && action === 'write') return `Create, change and delete ${what}`;
  return scope;
}
