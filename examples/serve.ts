import { createRemoteResourceServer } from '../src/resource-server/index.js';
import { start as express } from './express/app.js';
import { start as fastify } from './fastify/app.js';
import { start as hono } from './hono/app.js';
import { start as koa } from './koa/app.js';
import { start as nodeHttp } from './node-http/app.js';

const FRAMEWORKS = { koa, express, fastify, 'node-http': nodeHttp, hono };

/**
 * `node dist/examples/serve.js <koa|express|fastify|node-http|hono>` with GATEHOUSE_ISSUER,
 * CLIENT_ID, CLIENT_SECRET, AUDIENCE and PORT set: the invoices API on that framework, in remote mode.
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`${name} is required\n`);
    process.exit(1);
  }
  return value;
};
const framework = process.argv[2] as keyof typeof FRAMEWORKS;
if (!(framework in FRAMEWORKS)) {
  process.stderr.write(`usage: serve.js <${Object.keys(FRAMEWORKS).join('|')}>\n`);
  process.exit(1);
}
const rs = createRemoteResourceServer({
  issuer: env('GATEHOUSE_ISSUER'), clientId: env('CLIENT_ID'), clientSecret: env('CLIENT_SECRET'), audience: env('AUDIENCE'),
});
const running = await FRAMEWORKS[framework](rs, Number(process.env.PORT ?? 4000));
process.stdout.write(`invoices API (${framework}) on ${running.url}\n`);
