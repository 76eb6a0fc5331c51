import { newId } from '../../../src/domain/ids.js';
import type { SigningKey } from '../../../src/store/ports.js';
import { at, client, walk } from '../fixtures.js';
import type { StoreContext } from '../store-contract.js';

/** OAuth clients. */
export function clientsContract(ctx: StoreContext): void {
  it('finds a created client with every field, public and confidential', async () => {
    const org = newId('org');
    const confidential = client(org);
    const pub = client(org, { tokenEndpointAuthMethod: 'none', sealedSecret: null, grantTypes: ['authorization_code'], permissions: [] });
    await ctx.store.clients.create(confidential);
    await ctx.store.clients.create(pub);
    expect(await ctx.store.clients.findById(confidential.clientId)).toEqual(confidential);
    expect(await ctx.store.clients.findById(pub.clientId)).toEqual(pub);
    expect(await ctx.store.clients.findById('cli_missing')).toBeNull();
  });

  it('keeps the multi-organization flag, a private_key_jwt key set and a previous secret with its expiry', async () => {
    const org = newId('org');
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' }] };
    const keyed = client(org, { tokenEndpointAuthMethod: 'private_key_jwt', sealedSecret: null, multiOrganization: true, jwks });
    const byUri = client(org, { tokenEndpointAuthMethod: 'private_key_jwt', sealedSecret: null, jwksUri: 'https://app.example.com/jwks.json' });
    await ctx.store.clients.create(keyed);
    await ctx.store.clients.create(byUri);
    expect(await ctx.store.clients.findById(keyed.clientId)).toEqual(keyed);
    expect(await ctx.store.clients.findById(byUri.clientId)).toEqual(byUri);
    const rotated = { sealedSecret: 'sealed.v1.new', previousSealedSecret: 'sealed.v1.old', previousSecretExpiresAt: at(-86_400_000) };
    const c = client(org);
    await ctx.store.clients.create(c);
    expect(await ctx.store.clients.update(c.clientId, rotated)).toEqual({ ...c, ...rotated });
    const cleared = { previousSealedSecret: null, previousSecretExpiresAt: null };
    expect(await ctx.store.clients.update(c.clientId, cleared)).toEqual({ ...c, ...rotated, ...cleared });
  });

  it('refuses a duplicate client id with UniqueViolation("client_id")', async () => {
    const c = client(newId('org'));
    await ctx.store.clients.create(c);
    await expect(ctx.store.clients.create(client(newId('org'), { clientId: c.clientId })))
      .rejects.toMatchObject({ name: 'UniqueViolation', field: 'client_id' });
  });

  it("lists an organization's clients newest first with paging", async () => {
    const org = newId('org');
    const cs = [client(org), client(org), client(org), client(org)];
    for (const c of cs) await ctx.store.clients.create(c);
    await ctx.store.clients.create(client(newId('org')));
    expect(await walk((p) => ctx.store.clients.list(org, p), 3, (c) => c.clientId)).toEqual([...cs].reverse());
  });

  it('updates any mutable field, including setting the secret to null, and deletes', async () => {
    const c = client(newId('org'));
    await ctx.store.clients.create(c);
    const patch = {
      redirectUris: ['https://new.example.com/cb', 'http://127.0.0.1:8080/cb'], sealedSecret: null,
      tokenEndpointAuthMethod: 'none' as const, scope: 'openid', name: 'Renamed', requirePushedAuthorizationRequests: true,
      dpopBoundAccessTokens: true, updatedAt: at(-10),
    };
    expect(await ctx.store.clients.update(c.clientId, patch)).toEqual({ ...c, ...patch });
    expect(await ctx.store.clients.findById(c.clientId)).toEqual({ ...c, ...patch });
    expect(await ctx.store.clients.update('cli_missing', { name: 'x' })).toBeNull();
    expect(await ctx.store.clients.delete(c.clientId)).toBe(true);
    expect(await ctx.store.clients.delete(c.clientId)).toBe(false);
    expect(await ctx.store.clients.findById(c.clientId)).toBeNull();
  });
}

function signingKey(over: Partial<SigningKey> = {}): SigningKey {
  return {
    kid: newId('kid'), alg: 'RS256', sealedPrivateJwk: 'sealed.v1.private', publicJwk: { kty: 'RSA', n: 'abc', e: 'AQAB', use: 'sig' },
    createdAt: at(), retiredAt: null, removeAfter: null, ...over,
  };
}

/** Token signing keys. */
export function signingKeysContract(ctx: StoreContext): void {
  it('lists every key oldest first, retires, and deletes', async () => {
    const old = signingKey({ alg: 'ES256', createdAt: at(60_000) });
    const current = signingKey({ alg: 'EdDSA', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'xyz' }, createdAt: at(1000) });
    await ctx.store.signingKeys.create(current);
    await ctx.store.signingKeys.create(old);
    expect(await ctx.store.signingKeys.list()).toEqual([old, current]);

    const retire = { retiredAt: at(), removeAfter: at(-3_600_000) };
    expect(await ctx.store.signingKeys.update(old.kid, retire)).toEqual({ ...old, ...retire });
    expect(await ctx.store.signingKeys.list()).toEqual([{ ...old, ...retire }, current]);
    expect(await ctx.store.signingKeys.update('kid_missing', retire)).toBeNull();

    expect(await ctx.store.signingKeys.delete(old.kid)).toBe(true);
    expect(await ctx.store.signingKeys.delete(old.kid)).toBe(false);
    expect(await ctx.store.signingKeys.list()).toEqual([current]);
  });

  it('refuses a duplicate kid with UniqueViolation("kid")', async () => {
    const k = signingKey();
    await ctx.store.signingKeys.create(k);
    await expect(ctx.store.signingKeys.create(signingKey({ kid: k.kid }))).rejects.toMatchObject({ name: 'UniqueViolation', field: 'kid' });
  });
}
