import { OPERATOR } from '../src/audit/actor.js';
import { withChecksum } from '../src/domain/api-keys/checksum.js';
import type { Gatehouse } from '../src/gatehouse.js';
import { PROBE_PERMISSION } from './probe-app.js';

/** What the load generator needs to call the seeded Gatehouse. */
export interface BenchSeed {
  apiKey: string;
  apiKeyId: string;
  /**
   * the worst forgery: the real key with its last tag character changed and the checksum made
   * right again, so it has this deployment's secret id and pays the full tag check
   */
  forgedKey: string;
  /** confidential client: client_credentials (scope users:read) */
  machine: { id: string; secret: string };
  /** confidential client of the same organization, for introspection */
  introspector: { id: string; secret: string };
  /** confidential web client: authorization_code + refresh_token */
  web: { id: string; secret: string; redirectUri: string };
  user: { email: string; password: string };
}

export const BENCH_PASSWORD = 'correct horse battery staple';

/** An organization with a user, three clients and an API key, made through the services. */
export async function seedBench(gh: Gatehouse): Promise<BenchSeed> {
  const org = await gh.identity.organizations.create({ slug: 'bench' });
  const email = 'bench@example.com';
  await gh.identity.users.create({ email, password: BENCH_PASSWORD, organizationId: org.id, roles: ['admin'] });
  const { key, record } = await gh.apiKeys.create(OPERATOR, org.id, { name: 'bench', permissions: [PROBE_PERMISSION] });
  const client = async (name: string, extra: Record<string, unknown>) => {
    const { client, client_secret } = await gh.oauth.clients.create(OPERATOR, org.id, { name, ...extra });
    return { id: client.clientId, secret: client_secret! };
  };
  const redirectUri = 'http://127.0.0.1:9/callback';
  return {
    apiKey: key,
    apiKeyId: record.id,
    forgedKey: forge(key),
    machine: await client('bench machine', { grant_types: ['client_credentials'], permissions: [PROBE_PERMISSION] }),
    introspector: await client('bench introspector', { grant_types: ['client_credentials'] }),
    web: { ...(await client('bench web', { grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [redirectUri] })), redirectUri },
    user: { email, password: BENCH_PASSWORD },
  };
}

function forge(key: string): string {
  const unchecked = key.slice(0, -6);
  const last = unchecked.at(-1) === 'a' ? 'b' : 'a';
  return withChecksum(unchecked.slice(0, -1) + last);
}
