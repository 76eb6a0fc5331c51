import { newId } from '../../../src/domain/ids.js';
import type { StoreContext } from '../store-contract.js';

const inAnHour = () => new Date(Date.now() + 3_600_000);

/** oidc-provider's models. */
export function oidcContract(ctx: StoreContext): void {
  const oidc = () => ctx.store.oidc;

  it('finds an upserted payload, and an upsert replaces it', async () => {
    const id = newId('t');
    const payload = { kind: 'Session', accountId: 'usr_1', nested: { a: [1, 2] }, flag: true };
    await oidc().upsert('Session', id, payload, inAnHour());
    expect(await oidc().find('Session', id)).toEqual(payload);
    await oidc().upsert('Session', id, { kind: 'Session', accountId: 'usr_2' }, null);
    expect(await oidc().find('Session', id)).toEqual({ kind: 'Session', accountId: 'usr_2' });
    expect(await oidc().find('Session', newId('t'))).toBeNull();
  });

  it('keeps URL keys and keys starting with $ in payloads, on insert and on replacement', async () => {
    const id = newId('grant');
    const grant = {
      accountId: 'usr_1', clientId: 'cli_1',
      resources: { 'https://api.example.com/v1': 'invoices:read invoices:write', 'urn:example:api': 'a:read' },
      rejected: { 'https://api.example.com/v1': ['invoices:delete'] },
      claims: { $schema: 'https://example.com/claims', nested: { $ref: '#/x', 'a.b.c': 1 } },
    };
    await oidc().upsert('Grant', id, grant, inAnHour());
    expect(await oidc().find('Grant', id)).toEqual(grant);
    const replaced = { ...grant, resources: { ...grant.resources, 'https://other.example.com/': 'x:read' }, $extra: true };
    await oidc().upsert('Grant', id, replaced, inAnHour());
    expect(await oidc().find('Grant', id)).toEqual(replaced);
  });

  it('keeps models apart: the same id in two models is two payloads', async () => {
    const id = newId('t');
    await oidc().upsert('AccessToken', id, { kind: 'AccessToken' }, inAnHour());
    await oidc().upsert('RefreshToken', id, { kind: 'RefreshToken' }, inAnHour());
    expect(await oidc().find('AccessToken', id)).toEqual({ kind: 'AccessToken' });
    await oidc().destroy('AccessToken', id);
    expect(await oidc().find('AccessToken', id)).toBeNull();
    expect(await oidc().find('RefreshToken', id)).toEqual({ kind: 'RefreshToken' });
  });

  it('does not find an expired payload, by id, uid or user code; a null expiry never expires', async () => {
    const id = newId('t');
    await oidc().upsert('DeviceCode', id, { uid: `uid-${id}`, userCode: `UC-${id}` }, new Date(Date.now() - 1000));
    expect(await oidc().find('DeviceCode', id)).toBeNull();
    expect(await oidc().findByUid('DeviceCode', `uid-${id}`)).toBeNull();
    expect(await oidc().findByUserCode('DeviceCode', `UC-${id}`)).toBeNull();
    const forever = newId('t');
    await oidc().upsert('Client', forever, { client_id: forever }, null);
    expect(await oidc().find('Client', forever)).toEqual({ client_id: forever });
  });

  it('finds by uid and by user code within the model', async () => {
    const id = newId('t');
    const payload = { uid: `uid-${id}`, userCode: `UC-${id}`, grantId: 'g' };
    await oidc().upsert('DeviceCode', id, payload, inAnHour());
    await oidc().upsert('Session', newId('t'), { uid: `uid-other-${id}` }, inAnHour());
    expect(await oidc().findByUid('DeviceCode', `uid-${id}`)).toEqual(payload);
    expect(await oidc().findByUserCode('DeviceCode', `UC-${id}`)).toEqual(payload);
    expect(await oidc().findByUid('Session', `uid-${id}`)).toBeNull();
    expect(await oidc().findByUserCode('DeviceCode', 'UC-none')).toBeNull();
  });

  it('consumes once: the payload then carries `consumed`, a second consume answers false', async () => {
    const id = newId('t');
    await oidc().upsert('AuthorizationCode', id, { grantId: 'g1' }, inAnHour());
    const at = Math.floor(Date.now() / 1000);
    expect(await oidc().consume('AuthorizationCode', id, at)).toBe(true);
    expect(await oidc().find('AuthorizationCode', id)).toEqual({ grantId: 'g1', consumed: at });
    expect(await oidc().consume('AuthorizationCode', id, at + 5)).toBe(false);
    expect(await oidc().find('AuthorizationCode', id)).toEqual({ grantId: 'g1', consumed: at });
    expect(await oidc().consume('AuthorizationCode', newId('t'), at)).toBe(false);
  });

  it('of 10 concurrent consumers of one code, on two connections, exactly one wins', async () => {
    const id = newId('t');
    await oidc().upsert('RefreshToken', id, { grantId: 'g' }, inAnHour());
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      (i % 2 ? ctx.peer : ctx.store).oidc.consume('RefreshToken', id, 1_700_000_000 + i)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await oidc().find('RefreshToken', id)).toEqual({ grantId: 'g', consumed: 1_700_000_000 + winner });
  });

  it('revokes every payload of a grant, across models, and nothing else', async () => {
    const grant = newId('grant');
    const otherGrant = newId('grant');
    const ids = { code: newId('t'), access: newId('t'), refresh: newId('t'), other: newId('t') };
    await oidc().upsert('AuthorizationCode', ids.code, { grantId: grant }, inAnHour());
    await oidc().upsert('AccessToken', ids.access, { grantId: grant }, inAnHour());
    await oidc().upsert('RefreshToken', ids.refresh, { grantId: grant }, null);
    await oidc().upsert('RefreshToken', ids.other, { grantId: otherGrant }, inAnHour());
    await oidc().revokeByGrantId(grant);
    expect(await oidc().find('AuthorizationCode', ids.code)).toBeNull();
    expect(await oidc().find('AccessToken', ids.access)).toBeNull();
    expect(await oidc().find('RefreshToken', ids.refresh)).toBeNull();
    expect(await oidc().find('RefreshToken', ids.other)).toEqual({ grantId: otherGrant });
  });

  it('revoking a grant again, after part of it is gone, removes the rest and is not an error (so it can be retried)', async () => {
    const grant = newId('grant');
    const ids = [newId('t'), newId('t'), newId('t')];
    for (const id of ids) await oidc().upsert('RefreshToken', id, { grantId: grant }, inAnHour());
    await oidc().destroy('RefreshToken', ids[0]);
    await oidc().revokeByGrantId(grant);
    await ctx.peer.oidc.revokeByGrantId(grant);
    for (const id of ids) expect(await oidc().find('RefreshToken', id)).toBeNull();
  });

  it('destroying an absent payload is not an error', async () => {
    await expect(oidc().destroy('Session', newId('t'))).resolves.toBeUndefined();
    await expect(oidc().revokeByGrantId(newId('grant'))).resolves.toBeUndefined();
  });
}
