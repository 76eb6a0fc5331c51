import getRawBody from 'raw-body';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { HttpProblem, problems } from '../http/problem.js';
import type { GitHubKeyring } from './github-keys.js';
import type { LeakedKeys } from './leaked-keys.js';
import { reportsSchema } from './reports.js';

export const GITHUB_PATH = '/v1/secret-scanning/github';

export interface SecretScanningRouteDeps {
  keyring: GitHubKeyring;
  leakedKeys: LeakedKeys;
  maxBodyBytes: number;
  logger: Logger;
}

const unsigned = (detail: string) => new HttpProblem(401, 'invalid_signature', 'Unauthorized', detail);

/**
 * `POST /v1/secret-scanning/github`: GitHub's secret-scanning partner protocol. The raw body
 * (bounded) must carry a valid signature by a configured GitHub key before anything else happens:
 * an unsigned or badly signed request learns nothing (every one gets the same 401, no key is
 * looked up). Then each reported token is answered with its label, and real keys are handled
 * (see `LeakedKeys`). Logs hold counts, never a token.
 */
export function secretScanningRoute(deps: SecretScanningRouteDeps): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== GITHUB_PATH) return next();
    if (ctx.method !== 'POST') {
      ctx.set('Allow', 'POST');
      throw new HttpProblem(405, 'method_not_allowed', 'Method not allowed', `${GITHUB_PATH} accepts POST only.`);
    }
    const keyId = ctx.get('github-public-key-identifier').trim();
    const signature = ctx.get('github-public-key-signature').trim();
    if (!keyId || !signature) throw unsigned('The request must be signed (Github-Public-Key-Identifier and Github-Public-Key-Signature).');
    let body: Buffer;
    try {
      body = await getRawBody(ctx.req, { limit: deps.maxBodyBytes, length: ctx.request.length });
    } catch (err) {
      if ((err as { type?: string }).type === 'entity.too.large') throw problems.payloadTooLarge(deps.maxBodyBytes);
      throw problems.badRequest('unreadable_body', 'The request body could not be read.');
    }
    const check = await deps.keyring.check(body, keyId, signature);
    if (check !== 'ok') throw unsigned('The signature does not verify with a configured GitHub secret-scanning key.');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw problems.badRequest('malformed_json', 'The request body is not valid JSON.');
    }
    const reports = reportsSchema.safeParse(parsed);
    if (!reports.success) {
      throw problems.validation(reports.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })));
    }
    const outcome = await deps.leakedKeys.handle(reports.data);
    deps.logger.info({
      reports: reports.data.length, true_positives: outcome.labels.filter((l) => l.label === 'true_positive').length,
      revoked: outcome.revoked, notified: outcome.notified, github_key: keyId,
    }, 'secret scanning report handled');
    ctx.status = 200;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = outcome.labels;
  };
}
