import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
// in your project: import { … } from 'gatehouse/resource-server';
import { forFastify, type MeteredPrincipal, type ResourceServerCore } from '../../src/resource-server/index.js';
import { createInvoice, listInvoices, type Answer, type RunningExample } from '../invoices.js';

declare module 'fastify' {
  interface FastifyRequest { principal: MeteredPrincipal | null }
}

const send = (reply: FastifyReply, answer: Answer) => ('problem' in answer
  ? reply.code(answer.problem.status).type('application/problem+json').send(answer.problem.json())
  : reply.code(answer.status).send(answer.body));

/** The invoices API on Fastify 5: an `onRequest` hook sets `request.principal`; guards are `preHandler`s. */
export function fastifyInvoices(rs: ResourceServerCore): FastifyInstance {
  const gate = forFastify(rs);
  const app = Fastify();
  app.decorateRequest('principal', null);
  app.addHook('onRequest', gate.authenticate() as never);
  app.get<{ Params: { org: string } }>('/orgs/:org/invoices', { preHandler: gate.requirePermissions('invoices:read') as never },
    (req, reply) => send(reply, listInvoices(req.principal!, req.params.org)));
  app.post<{ Params: { org: string } }>('/orgs/:org/invoices', { preHandler: gate.requirePermissions('invoices:write') as never },
    (req, reply) => send(reply, createInvoice(req.principal!, req.params.org)));
  return app;
}

export async function start(rs: ResourceServerCore, port = 0): Promise<RunningExample> {
  const app = fastifyInvoices(rs);
  const url = await app.listen({ port, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}
