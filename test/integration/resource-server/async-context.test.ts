import request from 'supertest';
import { providerContextEnabled } from '../../../src/oauth/provider-async-context.js';
import { createTestGatehouse } from '../../support/harness.js';
import { seedOAuth } from '../../support/oauth.js';
import type { Gatehouse } from '../../../src/gatehouse.js';

/**
 * oidc-provider's AsyncLocalStorage turns on promise hooks for the whole process; Gatehouse keeps
 * it on only while a provider request is in flight, so resource-server routes served otherwise
 * pay no hook per promise.
 */
describe("oidc-provider's async context", () => {
  let gh: Gatehouse;
  let basic: string;
  beforeAll(async () => {
    gh = await createTestGatehouse();
    const seeded = await seedOAuth(gh);
    basic = `Basic ${Buffer.from(`${seeded.client.clientId}:${seeded.clientSecret}`).toString('base64')}`;
  });
  afterAll(() => gh.close());

  const token = () => request(gh.app.callback()).post('/token').set('authorization', basic).type('form').send({ grant_type: 'client_credentials', scope: 'users:read' });

  it('is off again once the provider has answered, and serves many concurrent token requests meanwhile', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, token));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(providerContextEnabled()).toBe(false);
    // and the next provider request turns it on again for its own duration
    expect((await token()).status).toBe(200);
    expect(providerContextEnabled()).toBe(false);
  });
});
