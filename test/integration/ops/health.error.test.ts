import request from 'supertest';
import { createTestGatehouse } from '../../support/harness.js';

describe('/readyz when the store cannot serve', () => {
  it('answers 503 once the store is closed, while /healthz stays 200', async () => {
    const gh = await createTestGatehouse();
    try {
      expect((await request(gh.app.callback()).get('/readyz')).status).toBe(200);
      await gh.store.close();
      const res = await request(gh.app.callback()).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'unavailable', store: 'sqlite' });
      expect((await request(gh.app.callback()).get('/healthz')).status).toBe(200);
    } finally {
      await gh.close();
    }
  });

  it('answers 503 as soon as shutdown begins, so load balancers stop sending traffic', async () => {
    const gh = await createTestGatehouse();
    try {
      gh.shuttingDown = true;
      const res = await request(gh.app.callback()).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'shutting_down' });
    } finally {
      await gh.close();
    }
  });
});
