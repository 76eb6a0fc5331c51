import type { Client, ClientStore, Page, PageRequest, TokenEndpointAuthMethod } from '../ports.js';
import type { SqliteDb } from './database.js';
import { date, fromMs, json, pageLimit, parse, patchRow, rethrowUnique, toMs, toPage, type RowCodec } from './rows.js';

interface Row {
  client_id: string; organization_id: string; name: string; redirect_uris: string; post_logout_redirect_uris: string;
  grant_types: string; token_endpoint_auth_method: string; sealed_secret: string | null; scope: string;
  permissions: string; multi_organization: number; jwks: string | null; jwks_uri: string | null;
  previous_sealed_secret: string | null; previous_secret_expires_at: number | null; require_par: number; dpop_bound: number;
  created_at: number; updated_at: number;
}

const codec: RowCodec<Row, Client> = {
  fromRow: (r) => ({
    clientId: r.client_id, organizationId: r.organization_id, name: r.name,
    redirectUris: parse<string[]>(r.redirect_uris), postLogoutRedirectUris: parse<string[]>(r.post_logout_redirect_uris),
    grantTypes: parse<string[]>(r.grant_types), tokenEndpointAuthMethod: r.token_endpoint_auth_method as TokenEndpointAuthMethod,
    sealedSecret: r.sealed_secret, scope: r.scope, permissions: parse<string[]>(r.permissions),
    multiOrganization: r.multi_organization === 1, jwks: parse<Client['jwks']>(r.jwks), jwksUri: r.jwks_uri,
    previousSealedSecret: r.previous_sealed_secret, previousSecretExpiresAt: fromMs(r.previous_secret_expires_at),
    requirePushedAuthorizationRequests: r.require_par === 1, dpopBoundAccessTokens: r.dpop_bound === 1,
    createdAt: date(r.created_at), updatedAt: date(r.updated_at),
  }),
  toRow: (c) => ({
    client_id: c.clientId, organization_id: c.organizationId, name: c.name,
    redirect_uris: json(c.redirectUris), post_logout_redirect_uris: json(c.postLogoutRedirectUris),
    grant_types: json(c.grantTypes), token_endpoint_auth_method: c.tokenEndpointAuthMethod,
    sealed_secret: c.sealedSecret, scope: c.scope, permissions: json(c.permissions),
    multi_organization: c.multiOrganization ? 1 : 0, jwks: c.jwks ? json(c.jwks) : null, jwks_uri: c.jwksUri,
    previous_sealed_secret: c.previousSealedSecret, previous_secret_expires_at: toMs(c.previousSecretExpiresAt),
    require_par: c.requirePushedAuthorizationRequests ? 1 : 0, dpop_bound: c.dpopBoundAccessTokens ? 1 : 0,
    created_at: c.createdAt.getTime(), updated_at: c.updatedAt.getTime(),
  }),
};

const COLUMNS = ['client_id', 'organization_id', 'name', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types',
  'token_endpoint_auth_method', 'sealed_secret', 'scope', 'permissions', 'multi_organization', 'jwks', 'jwks_uri',
  'previous_sealed_secret', 'previous_secret_expires_at', 'require_par', 'dpop_bound', 'created_at', 'updated_at'];
const MUTABLE = COLUMNS.filter((c) => !['client_id', 'organization_id', 'created_at'].includes(c));

/** OAuth clients in SQLite, paged by client id. */
export class SqliteClients implements ClientStore {
  private readonly insert;
  private readonly byId;
  private readonly page;
  private readonly write;
  private readonly remove;

  constructor(private readonly db: SqliteDb) {
    this.insert = db.prepare(`INSERT INTO clients (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`);
    this.byId = db.prepare<[string], Row>('SELECT * FROM clients WHERE client_id = ?');
    this.page = db.prepare<[{ org: string; cursor: string | null; limit: number }], Row>(`SELECT * FROM clients
      WHERE organization_id = @org AND (@cursor IS NULL OR client_id < @cursor) ORDER BY client_id DESC LIMIT @limit`);
    this.write = db.prepare(`UPDATE clients SET ${MUTABLE.map((c) => `${c} = @${c}`).join(', ')} WHERE client_id = @client_id`);
    this.remove = db.prepare('DELETE FROM clients WHERE client_id = ?');
  }

  async create(client: Client): Promise<void> {
    try {
      this.insert.run(codec.toRow(client));
    } catch (err) {
      rethrowUnique(err, { client_id: 'client_id' });
    }
  }

  async findById(clientId: string): Promise<Client | null> {
    const row = this.byId.get(clientId);
    return row ? codec.fromRow(row) : null;
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<Client>> {
    const limit = pageLimit(page);
    const rows = this.page.all({ org: organizationId, cursor: page.cursor ?? null, limit: limit + 1 });
    return toPage(rows, limit, codec.fromRow, (c) => c.clientId);
  }

  async update(clientId: string, patch: Partial<Omit<Client, 'clientId' | 'organizationId' | 'createdAt'>>): Promise<Client | null> {
    return patchRow(this.db, codec, () => this.byId.get(clientId), (row) => this.write.run(row), patch);
  }

  async delete(clientId: string): Promise<boolean> {
    return this.remove.run(clientId).changes > 0;
  }
}
