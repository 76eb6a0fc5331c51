import { Schema, type Connection, type Model } from 'mongoose';
import type { Client, ClientStore, Page, PageRequest, TokenEndpointAuthMethod } from '../ports.js';
import { SCHEMA_OPTIONS, pageOf, rethrowDuplicate, setOf, stringId } from './support.js';

interface Doc {
  _id: string; organizationId: string; name: string; redirectUris: string[]; postLogoutRedirectUris: string[];
  grantTypes: string[]; tokenEndpointAuthMethod: TokenEndpointAuthMethod; sealedSecret: string | null; scope: string;
  permissions: string[]; multiOrganization: boolean; jwks: Client['jwks']; jwksUri: string | null;
  previousSealedSecret: string | null; previousSecretExpiresAt: Date | null; requirePushedAuthorizationRequests: boolean;
  dpopBoundAccessTokens: boolean; createdAt: Date; updatedAt: Date;
}

const schema = new Schema<Doc>({
  _id: stringId,
  organizationId: { type: String },
  name: { type: String },
  redirectUris: { type: [String], default: [] },
  postLogoutRedirectUris: { type: [String], default: [] },
  grantTypes: { type: [String], default: [] },
  tokenEndpointAuthMethod: { type: String },
  sealedSecret: { type: String, default: null },
  scope: { type: String, default: '' },
  permissions: { type: [String], default: [] },
  // documents from before these fields read as their defaults
  multiOrganization: { type: Boolean, default: false },
  jwks: { type: Schema.Types.Mixed, default: null },
  jwksUri: { type: String, default: null },
  previousSealedSecret: { type: String, default: null },
  previousSecretExpiresAt: { type: Date, default: null },
  requirePushedAuthorizationRequests: { type: Boolean, default: false },
  dpopBoundAccessTokens: { type: Boolean, default: false },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
}, SCHEMA_OPTIONS);
schema.index({ organizationId: 1, _id: -1 });

const fromDoc = (d: Doc): Client => ({
  clientId: d._id, organizationId: d.organizationId, name: d.name, redirectUris: [...(d.redirectUris ?? [])],
  postLogoutRedirectUris: [...(d.postLogoutRedirectUris ?? [])], grantTypes: [...(d.grantTypes ?? [])],
  tokenEndpointAuthMethod: d.tokenEndpointAuthMethod, sealedSecret: d.sealedSecret ?? null, scope: d.scope ?? '',
  permissions: [...(d.permissions ?? [])], multiOrganization: d.multiOrganization === true, jwks: d.jwks ?? null,
  jwksUri: d.jwksUri ?? null, previousSealedSecret: d.previousSealedSecret ?? null,
  previousSecretExpiresAt: d.previousSecretExpiresAt ?? null,
  requirePushedAuthorizationRequests: d.requirePushedAuthorizationRequests === true,
  dpopBoundAccessTokens: d.dpopBoundAccessTokens === true, createdAt: d.createdAt, updatedAt: d.updatedAt,
});

/** OAuth clients in MongoDB (`clients`; `_id` is the client id). */
export class MongoClients implements ClientStore {
  readonly model: Model<Doc>;

  constructor(conn: Connection) {
    this.model = conn.model<Doc>('Client', schema, 'clients');
  }

  async create(c: Client): Promise<void> {
    const { clientId, ...rest } = c;
    try {
      await this.model.create({ _id: clientId, ...rest });
    } catch (err) {
      rethrowDuplicate(err, { _id: 'client_id' });
    }
  }

  async findById(clientId: string): Promise<Client | null> {
    const doc = await this.model.findById(clientId).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async list(organizationId: string, page: PageRequest): Promise<Page<Client>> {
    return pageOf(this.model, { organizationId }, page, fromDoc, (c) => c.clientId);
  }

  async update(clientId: string, patch: Partial<Omit<Client, 'clientId' | 'organizationId' | 'createdAt'>>): Promise<Client | null> {
    const doc = await this.model.findOneAndUpdate({ _id: clientId }, { $set: setOf(patch) }, { returnDocument: 'after' }).lean<Doc | null>();
    return doc ? fromDoc(doc) : null;
  }

  async delete(clientId: string): Promise<boolean> {
    return (await this.model.deleteOne({ _id: clientId })).deletedCount === 1;
  }
}
