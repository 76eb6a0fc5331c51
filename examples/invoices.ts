import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
// in your project: import { … } from 'gatehouse/resource-server';
import { HttpProblem, type Principal } from '../src/resource-server/index.js';

/** The example APIs' data: invoices per organization (every organization sees the same two). */
const INVOICES = [
  { id: 'inv_1', amount: 4200, currency: 'EUR' },
  { id: 'inv_2', amount: 990, currency: 'EUR' },
];

/** What a route answers: a JSON body, or a problem (rendered as application/problem+json). */
export type Answer = { status: number; body: unknown } | { problem: HttpProblem };

const NO_SUCH_ORGANIZATION = new HttpProblem(404, 'not_found', 'Not found', 'No such organization.');

/**
 * `GET /orgs/:org/invoices` (`invoices:read`): another organization's invoices are not found
 * (404), never forbidden: a caller learns nothing about organizations it does not belong to.
 */
export function listInvoices(principal: Principal, org: string): Answer {
  if (principal.organization !== org) return { problem: NO_SUCH_ORGANIZATION };
  return { status: 200, body: { data: INVOICES, organization: org, caller: principal.type } };
}

/** `POST /orgs/:org/invoices` (`invoices:write`). */
export function createInvoice(principal: Principal, org: string): Answer {
  if (principal.organization !== org) return { problem: NO_SUCH_ORGANIZATION };
  return { status: 201, body: { id: 'inv_new', organization: org } };
}

/** A running example API. */
export interface RunningExample {
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (port 0 unless given) and returns the URL and a closer. */
export async function listen(server: Server, port = 0): Promise<RunningExample> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
