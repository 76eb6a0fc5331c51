import { z } from 'zod';
import { timestamp } from './common.js';

const issuer = z.string().max(2048).describe('the provider\'s issuer URL, e.g. https://acme.okta.com (its metadata is discovered when saved)');
const clientId = z.string().max(255).describe('the client id Gatehouse has at the provider');
const clientSecret = z.string().max(1024).describe('the client secret: sealed at rest, never returned; send a new one to rotate it');
const defaultRole = z.string().max(64).describe('the role people get when they join through the provider (default `member`); it may hold nothing you lack');
const required = z.boolean().describe('true: people of the verified domains sign in through the provider only (no password, no passkey alone)');

export const createSsoConnectionBody = z.object({
  issuer, client_id: clientId, client_secret: clientSecret, default_role: defaultRole.optional(), sso_required: required.optional(),
}).strict();

export const updateSsoConnectionBody = z.object({
  issuer: issuer.optional(), client_id: clientId.optional(), client_secret: clientSecret.optional(),
  default_role: defaultRole.optional(), sso_required: required.optional(),
}).strict().refine((b) => Object.keys(b).length > 0, { message: 'must change at least one field' });

export const ssoConnectionObject = z.object({
  object: z.literal('sso_connection'),
  organization: z.string(),
  issuer: z.string(),
  client_id: z.string(),
  redirect_uri: z.string().describe('register this redirect URI with the provider (`<issuer>/sso/callback`)'),
  default_role: z.string(),
  sso_required: z.boolean(),
  created_by: z.string(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const claimDomainBody = z.object({
  domain: z.string().max(253).describe('an email domain of the organization, e.g. acme.com'),
}).strict();

export const domainObject = z.object({
  object: z.literal('domain'),
  id: z.string(),
  organization: z.string(),
  domain: z.string(),
  status: z.enum(['pending', 'verified']),
  verification: z.object({
    type: z.literal('TXT'),
    name: z.string().describe('where to publish the record: `_gatehouse-challenge.<domain>`'),
    value: z.string().describe('the record\'s value'),
  }).describe('the DNS record that proves the organization controls the domain; the operator then verifies it'),
  verified_at: timestamp.nullable(),
  verified_by: z.enum(['dns', 'operator']).nullable().describe('how: the TXT record found, or the operator\'s approval'),
  created_by: z.string(),
  created_at: timestamp,
});
