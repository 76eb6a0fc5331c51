import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../../src/store/sqlite/schema.js';
import { openStore } from '../../../src/store/open.js';

/** A database made before apps for every organization opens with its clients intact and their new fields at their defaults. */
describe('upgrading a SQLite database from before multi-organization clients', () => {
  it('keeps every client, reading it as single-organization, secret-authenticated, with no previous secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-upgrade-'));
    const file = join(dir, 'old.db');
    const old = new Database(file);
    old.exec(MIGRATIONS[0]);
    old.pragma('user_version = 1');
    old.prepare(`INSERT INTO clients (client_id, organization_id, name, redirect_uris, post_logout_redirect_uris, grant_types,
      token_endpoint_auth_method, sealed_secret, scope, permissions, created_at, updated_at)
      VALUES ('client_old', 'org_old', 'Legacy', '["https://a.example/cb"]', '[]', '["authorization_code"]',
      'client_secret_basic', 'v1.sealed', 'openid', '[]', 1700000000000, 1700000000000)`).run();
    old.close();
    const store = await openStore(`sqlite:${file}`);
    try {
      expect(await store.clients.findById('client_old')).toMatchObject({
        clientId: 'client_old', organizationId: 'org_old', name: 'Legacy', sealedSecret: 'v1.sealed',
        multiOrganization: false, jwks: null, jwksUri: null, previousSealedSecret: null, previousSecretExpiresAt: null,
      });
      expect(await store.appConnections.listClients('org_old', { limit: 10 })).toEqual({ items: [], nextCursor: null });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
