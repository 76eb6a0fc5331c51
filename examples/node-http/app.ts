import { createServer, type Server, type ServerResponse } from 'node:http';
// in your project: import { … } from 'gatehouse/resource-server';
import { forNodeHttp, type ResourceServerCore } from '../../src/resource-server/index.js';
import { createInvoice, listen, listInvoices, type Answer, type RunningExample } from '../invoices.js';

const ROUTE = /^\/orgs\/([^/?]+)\/invoices(?:\?.*)?$/;

const send = (res: ServerResponse, answer: Answer) => {
  if ('problem' in answer) res.writeHead(answer.problem.status, { 'content-type': 'application/problem+json' }).end(answer.problem.json());
  else res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
};

/** The invoices API on Node's `http` module alone. */
export function nodeInvoices(rs: ResourceServerCore): Server {
  const gate = forNodeHttp(rs);
  const authenticate = gate.authenticate();
  const canRead = gate.requirePermissions('invoices:read');
  const canWrite = gate.requirePermissions('invoices:write');
  return createServer(async (req, res) => {
    const principal = await authenticate(req, res);
    if (!principal) return;
    const route = ROUTE.exec(req.url ?? '');
    const org = route ? decodeURIComponent(route[1]) : '';
    if (route && req.method === 'GET') {
      if (await canRead(req, res, principal)) send(res, listInvoices(principal, org));
    } else if (route && req.method === 'POST') {
      if (await canWrite(req, res, principal)) send(res, createInvoice(principal, org));
    } else {
      res.writeHead(404).end();
    }
  });
}

export const start = (rs: ResourceServerCore, port?: number): Promise<RunningExample> => listen(nodeInvoices(rs), port);
