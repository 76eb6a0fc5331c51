import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

/** An event as Gatehouse sends it (Standard Webhooks body). */
export interface GatehouseEvent {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * A webhook receiver for Gatehouse: verifies each request with the endpoint's secret (`whsec_…`)
 * using the `standardwebhooks` package, answers 400 to anything that does not verify (or is more
 * than 5 minutes old), and hands each event to `handle` once, however often it is delivered:
 * deliveries are retried and may be redelivered, always with the same `webhook-id`. Use a store
 * shared by your instances for `seen` in production.
 */
export function createWebhookReceiver(secret: string, handle: (event: GatehouseEvent, id: string) => Promise<void>,
  seen: Set<string> = new Set()): Server {
  const webhook = new Webhook(secret);
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8'); // the raw body: re-serialised JSON would not verify
      let event: GatehouseEvent;
      try {
        event = webhook.verify(body, req.headers as Record<string, string>) as GatehouseEvent;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const id = String(req.headers['webhook-id']);
      try {
        if (!seen.has(id)) {
          await handle(event, id);
          seen.add(id);
        }
        res.writeHead(204).end(); // any 2xx: delivered
      } catch {
        res.writeHead(500).end(); // Gatehouse retries
      }
    });
  });
}
