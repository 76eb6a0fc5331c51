import { createInvoiceApi } from './app.js';

/** `node dist/examples/resource-server/main.js` with GATEHOUSE_ISSUER, CLIENT_ID, CLIENT_SECRET, AUDIENCE and PORT set. */
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`${name} is required\n`);
    process.exit(1);
  }
  return value;
};

const app = createInvoiceApi({
  issuer: env('GATEHOUSE_ISSUER'), clientId: env('CLIENT_ID'), clientSecret: env('CLIENT_SECRET'), audience: env('AUDIENCE'),
});
const port = Number(process.env.PORT ?? 4000);
app.listen(port, '127.0.0.1', () => process.stdout.write(`invoices API on http://127.0.0.1:${port}\n`));
