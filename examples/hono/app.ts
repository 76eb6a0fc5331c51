import type { Server } from 'node:http';
import { Hono, type Context } from 'hono';
import { createAdaptorServer } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
// in your project: import { … } from 'gatehouse/resource-server';
import { forHono, type MeteredPrincipal, type ResourceServerCore } from '../../src/resource-server/index.js';
import { createInvoice, listen, listInvoices, type Answer, type RunningExample } from '../invoices.js';

type Env = { Variables: { principal: MeteredPrincipal } };

const send = (c: Context<Env>, answer: Answer) => ('problem' in answer
  ? c.body(answer.problem.json(), answer.problem.status as 404, { 'content-type': 'application/problem+json' })
  : c.json(answer.body, answer.status as 200));

/** The invoices API on Hono (Web-standard `fetch`): `c.get('principal')`. */
export function honoInvoices(rs: ResourceServerCore): Hono<Env> {
  // the client's address is the platform's to tell; on Node, @hono/node-server's
  const gate = forHono(rs, { clientIp: (c) => getConnInfo(c as unknown as Context).remote.address ?? '' });
  const app = new Hono<Env>();
  app.use('*', gate.authenticate() as never);
  app.get('/orgs/:org/invoices', gate.requirePermissions('invoices:read') as never, (c) => send(c, listInvoices(c.get('principal'), c.req.param('org'))));
  app.post('/orgs/:org/invoices', gate.requirePermissions('invoices:write') as never, (c) => send(c, createInvoice(c.get('principal'), c.req.param('org'))));
  return app;
}

export const start = (rs: ResourceServerCore, port?: number): Promise<RunningExample> =>
  listen(createAdaptorServer({ fetch: honoInvoices(rs).fetch }) as Server, port);
