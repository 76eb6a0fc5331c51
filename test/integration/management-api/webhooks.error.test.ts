import { expectFieldProblem, seededSuite } from '../../support/seed.js';

// private networks off (the production default): the URL rules are the strict ones
const s = seededSuite({ webhooks: { maxEndpointsPerOrganization: 3 } });

const auth = () => ({ Authorization: `Bearer ${s.adminKey}` });
const base = '/v1/organizations/acme/webhooks';
const create = (body: unknown) => s.api().post(base).set(auth()).send(body as object);
const good = { url: 'https://hooks.example.com/gatehouse', events: ['api_key.created'] };

describe('webhooks: bad requests', () => {
  it.each([
    ['a missing url', { events: ['api_key.created'] }, 'url'],
    ['a relative url', { ...good, url: '/hooks' }, 'url'],
    ['an http url where private networks are not allowed', { ...good, url: 'http://hooks.example.com/x' }, 'url'],
    ['another scheme', { ...good, url: 'ftp://hooks.example.com/x' }, 'url'],
    ['credentials in the url', { ...good, url: 'https://user:pass@hooks.example.com/x' }, 'url'],
    ['a url over 2048 characters', { ...good, url: `https://hooks.example.com/${'a'.repeat(2048)}` }, 'url'],
    ['missing events', { url: good.url }, 'events'],
    ['an empty event list', { ...good, events: [] }, 'events'],
    ['an event type that does not exist', { ...good, events: ['api_key.created', 'rocket.launched'] }, 'events[1]'],
    ['an unknown field', { ...good, secret: 'whsec_mine' }, 'secret'],
    ['a description of the wrong type', { ...good, description: 7 }, 'description'],
  ])('answers 400 naming the field for %s', async (_label, body, field) => {
    expectFieldProblem(await create(body), field);
  });

  it('answers 400 for a bad grace period on rotate-secret, and for enabled of the wrong type', async () => {
    const { id } = (await create(good)).body;
    expectFieldProblem(await s.api().post(`${base}/${id}/rotate-secret`).set(auth()).send({ grace_period: '8d' }), 'grace_period');
    expectFieldProblem(await s.api().post(`${base}/${id}/rotate-secret`).set(auth()).send({ grace_period: 'soon' }), 'grace_period');
    expectFieldProblem(await s.api().patch(`${base}/${id}`).set(auth()).send({ enabled: 'yes' }), 'enabled');
    expectFieldProblem(await s.api().patch(`${base}/${id}`).set(auth()).send({ url: 'http://10.0.0.1/x' }), 'url');
  });

  it('answers 404 for an endpoint or a delivery that does not exist', async () => {
    for (const res of [
      await s.api().get(`${base}/whe_nope`).set(auth()),
      await s.api().patch(`${base}/whe_nope`).set(auth()).send({ description: 'x' }),
      await s.api().delete(`${base}/whe_nope`).set(auth()),
      await s.api().post(`${base}/whe_nope/rotate-secret`).set(auth()).send({}),
      await s.api().get(`${base}/whe_nope/deliveries`).set(auth()),
    ]) {
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'not_found' });
    }
    const { id } = (await create(good)).body;
    const missing = await s.api().post(`${base}/${id}/deliveries/whd_nope/redeliver`).set(auth());
    expect({ status: missing.status, detail: missing.body.detail }).toEqual({ status: 404, detail: 'No such webhook delivery.' });
  });

  it('refuses an endpoint over the organization\'s cap with 403 endpoint_limit_reached', async () => {
    let res;
    do res = await create(good); while (res.status === 201);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'endpoint_limit_reached', max_endpoints: 3 });
  });

  it('refuses to redeliver a delivery still pending (409), or to a disabled endpoint (409)', async () => {
    const gh = s.gatehouse;
    const endpoint = (await gh.store.webhookEndpoints.list(s.org.id, { limit: 1 })).items[0];
    const { newDelivery } = await import('../../../src/webhooks/dispatcher.js');
    const pending = newDelivery({ id: 'evt_x', organizationId: s.org.id, type: 'api_key.created', data: {}, occurredAt: new Date(), onceKey: null, dispatchedAt: null },
      endpoint, new Date(Date.now() + 3_600_000));
    await gh.store.webhookDeliveries.create(pending);
    const busy = await s.api().post(`${base}/${endpoint.id}/deliveries/${pending.id}/redeliver`).set(auth());
    expect({ status: busy.status, code: busy.body.code }).toEqual({ status: 409, code: 'delivery_pending' });
    const done = { ...pending, id: 'whd_done', status: 'failed' as const, nextAttemptAt: null };
    await gh.store.webhookDeliveries.create(done);
    await s.api().patch(`${base}/${endpoint.id}`).set(auth()).send({ enabled: false });
    const off = await s.api().post(`${base}/${endpoint.id}/deliveries/${done.id}/redeliver`).set(auth());
    expect({ status: off.status, code: off.body.code }).toEqual({ status: 409, code: 'endpoint_disabled' });
  });
});
