import { createServer } from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
// in your project: import { … } from 'gatehouse/resource-server';
import { forKoa, type ResourceServerCore } from '../../src/resource-server/index.js';
import { createInvoice, listen, listInvoices, type Answer, type RunningExample } from '../invoices.js';

/** The invoices API on Koa: `ctx.state.principal`, refusals answered as problem+json by the middleware itself. */
export function koaInvoices(rs: ResourceServerCore): Koa {
  const gate = forKoa(rs);
  const send = (ctx: Koa.Context, answer: Answer) => {
    if ('problem' in answer) {
      ctx.status = answer.problem.status;
      ctx.type = 'application/problem+json';
      ctx.body = answer.problem.json();
    } else {
      ctx.status = answer.status;
      ctx.body = answer.body;
    }
  };
  const router = new Router();
  router.get('/orgs/:org/invoices', gate.requirePermissions('invoices:read'), (ctx) => send(ctx, listInvoices(ctx.state.principal, ctx.params.org)));
  router.post('/orgs/:org/invoices', gate.requirePermissions('invoices:write'), (ctx) => send(ctx, createInvoice(ctx.state.principal, ctx.params.org)));
  const app = new Koa();
  app.use(gate.authenticate());
  app.use(router.routes());
  return app;
}

export const start = (rs: ResourceServerCore, port?: number): Promise<RunningExample> => listen(createServer(koaInvoices(rs).callback()), port);
