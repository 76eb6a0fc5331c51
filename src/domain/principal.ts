import type { KeyEnvironment } from '../store/ports.js';
import type { KeyMetadata } from './api-keys/metadata.js';

/**
 * Who is calling, as the resource-server middleware establishes it (SPEC §5's shape, extended
 * with `metadata` for API keys).
 */
export interface Principal {
  type: 'user' | 'client' | 'api_key';
  /** user id, client id or key id */
  subject: string;
  /** organization id; null for a server-scoped API key */
  organization: string | null;
  environment: KeyEnvironment | null;
  permissions: string[];
  client_id?: string;
  key_id?: string;
  /** an API key's metadata (SPEC §4), frozen; `{}` when it has none; absent for tokens */
  metadata?: Readonly<KeyMetadata>;
}
