import { createServer } from 'node:http';
import express, { type Response } from 'express';
// in your project: import { … } from 'gatehouse/resource-server';
import { forExpress, type MeteredPrincipal, type ResourceServerCore } from '../../src/resource-server/index.js';
import { createInvoice, listen, listInvoices, type Answer, type RunningExample } from '../invoices.js';

const send = (res: Response, answer: Answer) => {
  if ('problem' in answer) res.status(answer.problem.status).type('application/problem+json').send(answer.problem.json());
  else res.status(answer.status).json(answer.body);
};

/** The invoices API on Express 5: `req.principal`. */
export function expressInvoices(rs: ResourceServerCore): express.Express {
  const gate = forExpress(rs);
  const app = express();
  const principal = (req: express.Request) => (req as unknown as { principal: MeteredPrincipal }).principal;
  app.use(gate.authenticate() as unknown as express.RequestHandler);
  app.get('/orgs/:org/invoices', gate.requirePermissions('invoices:read') as unknown as express.RequestHandler, (req, res) => send(res, listInvoices(principal(req), req.params.org as string)));
  app.post('/orgs/:org/invoices', gate.requirePermissions('invoices:write') as unknown as express.RequestHandler, (req, res) => send(res, createInvoice(principal(req), req.params.org as string)));
  return app;
}

export const start = (rs: ResourceServerCore, port?: number): Promise<RunningExample> => listen(createServer(expressInvoices(rs)), port);
