import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got. */
export interface Received {
  /** the request's path (give each endpoint its own path to tell them apart) */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** the body as the `standardwebhooks` library verified it, or null when no secret verified it */
  verified: { type: string; timestamp: string; data: Record<string, any> } | null;
  error: string | null;
}

/** What the receiver answers a request with: a status, or `hang` (never answer). */
export type Answer = number | 'hang';

export interface WebhookReceiver {
  /** e.g. http://127.0.0.1:41234/hook */
  url: string;
  /** every request, in arrival order */
  requests: Received[];
  /** the verified messages, one per `webhook-id` (a receiver deduplicating as Standard Webhooks advises) */
  messages: Map<string, NonNullable<Received['verified']>>;
  /** secrets (`whsec_…`) the receiver verifies with: any one that verifies is enough */
  secrets: string[];
  /** decides each answer (default 204) */
  answer: (r: Received, index: number) => Answer;
  /** resolves once `count` distinct messages arrived (or rejects after `ms`) */
  waitForMessages(count: number, ms?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A webhook receiver in the test process, verifying each request with the `standardwebhooks`
 * package (not Gatehouse's code) against its secrets, and deduplicating by `webhook-id`.
 */
export async function startWebhookReceiver(secrets: string[] = []): Promise<WebhookReceiver> {
  const hanging: ServerResponse[] = [];
  const receiver: WebhookReceiver = {
    url: '', requests: [], messages: new Map(), secrets, answer: () => 204,
    async waitForMessages(count, ms = 15_000) {
      const deadline = Date.now() + ms;
      while (receiver.messages.size < count) {
        if (Date.now() > deadline) throw new Error(`got ${receiver.messages.size} of ${count} messages (${receiver.requests.length} requests)`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified: Received['verified'] = null;
      let error: string | null = null;
      for (const secret of receiver.secrets) {
        try {
          verified = new Webhook(secret).verify(body, req.headers as Record<string, string>) as Received['verified'];
          break;
        } catch (err) {
          error = (err as Error).message;
        }
      }
      const received: Received = { path: req.url ?? '', headers: req.headers, body, verified, error: verified ? null : error };
      const index = receiver.requests.push(received) - 1;
      const answer = receiver.answer(received, index);
      if (answer === 'hang') {
        hanging.push(res);
        return;
      }
      if (verified && answer >= 200 && answer < 300) receiver.messages.set(String(req.headers['webhook-id']), verified);
      res.statusCode = answer;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
