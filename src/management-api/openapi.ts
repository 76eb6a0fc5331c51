import { z } from 'zod';
import type { AnyRoute } from './route-kit.js';

type Json = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

const problem = { $ref: '#/components/schemas/Problem' };
const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: problem } } });

const ERRORS: Record<string, Json> = {
  400: problemResponse('invalid request: the body names each bad field'),
  401: problemResponse('missing, malformed, unknown, revoked or expired credential'),
  403: problemResponse('a permission is missing (`insufficient_scope`), the credential is read-only, or the action would escalate'),
  404: problemResponse('no such object in this organization (or no such organization for this caller)'),
  429: problemResponse('rate limited'),
};

/** A body whose fields are all optional may be left out (e.g. rotate without a grace period). */
function requestBody(schema: Json): Json {
  const required = Array.isArray(schema.required) && schema.required.length > 0;
  return { required, content: { 'application/json': { schema } } };
}

function operation(route: AnyRoute): Json {
  const status = route.status ?? 200;
  const parameters: Json[] = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name, in: 'path', required: true, schema: { type: 'string' },
    description: name === 'org' ? 'organization id or slug' : undefined,
  }));
  if (route.query instanceof z.ZodObject) {
    for (const [name, field] of Object.entries(route.query.shape as Record<string, z.ZodType>)) {
      parameters.push({ name, in: 'query', required: false, schema: schemaOf(field, 'input') });
    }
  }
  const responses: Json = {
    [status]: status === 204 ? { description: 'done' }
      : { description: 'success', content: { 'application/json': { schema: route.response ? schemaOf(route.response, 'output') : {} } } },
    ...ERRORS,
  };
  if (route.body) responses[413] = problemResponse('the body is larger than the configured limit');
  return {
    tags: [route.tag],
    summary: route.summary,
    description: route.scope === 'self' ? 'Requires a person\'s own access token (the person it concerns).'
      : `Requires the permission \`${route.permission}\`${route.scope === 'server' ? ' and a server-scoped credential' : ''}${
        route.requiresMemberPermissions ? ', and every permission any enabled member of the organization holds' : ''}.`,
    operationId: `${route.method}${route.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    'x-permission': route.permission,
    ...(route.serverScopeFields ? { 'x-server-scope-fields': route.serverScopeFields } : {}),
    ...(route.requiresMemberPermissions ? { 'x-requires-member-permissions': true } : {}),
    security: route.scope === 'self' ? [{ bearerToken: [] }] : [{ bearerToken: [] }, { apiKey: [] }],
    parameters,
    ...(route.body ? { requestBody: requestBody(schemaOf(route.body, 'input')) } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the management API, built from the routes' own zod schemas. */
export function buildOpenApi(routes: AnyRoute[], issuer: string): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) (paths[`/v1${route.path}`] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse management API', version: '1',
      description: 'Organizations, users, roles, resources, OAuth clients, API keys, webhooks and the audit log. '
        + 'Authenticate with an OAuth access token (audience `<issuer>/v1`) or an API key. JSON is snake_case; '
        + 'errors are application/problem+json (RFC 9457).',
    },
    servers: [{ url: issuer }],
    paths,
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'an access token (JWT) or an API key `ak_…`' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
      schemas: {
        Problem: {
          type: 'object', required: ['type', 'title', 'status', 'code'],
          properties: {
            type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' },
            detail: { type: 'string' }, code: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
  };
}
