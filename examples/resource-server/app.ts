import Koa from 'koa';
import Router from '@koa/router';
// in your project: import { … } from 'gatehouse/resource-server';
import { createRemoteResourceServer, problemResponder, type RemoteResourceServerOptions } from '../../src/resource-server/index.js';

const INVOICES = [
  { id: 'inv_1', amount: 4200, currency: 'EUR' },
  { id: 'inv_2', amount: 990, currency: 'EUR' },
];

/**
 * A small invoicing API that trusts a Gatehouse over HTTP: `GET /invoices` needs
 * `invoices:read`, `POST /invoices` needs `invoices:write`; callers present an OAuth access
 * token (audience = this API's identifier) or an API key of the organization.
 */
export function createInvoiceApi(options: RemoteResourceServerOptions): Koa {
  const rs = createRemoteResourceServer(options);
  const router = new Router();
  router.get('/invoices', rs.requirePermissions('invoices:read'), (ctx) => {
    ctx.body = { data: INVOICES, organization: ctx.state.principal.organization, caller: ctx.state.principal.type };
  });
  router.post('/invoices', rs.requirePermissions('invoices:write'), (ctx) => {
    ctx.status = 201;
    ctx.body = { id: 'inv_new' };
  });
  const app = new Koa();
  app.use(problemResponder());
  app.use(rs.authenticate());
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
