import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import type { Client } from '../../store/ports.js';
import type { ActingInput } from '../acting-organization.js';
import type { ClientService } from '../clients.js';
import type { CsrfTokens } from './form.js';
import { send, type RenderedPage } from './html.js';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** One interaction as the page handlers see it: the provider's details plus what the pages need. */
export interface InteractionContext {
  uid: string;
  interaction: Interaction;
  csrf: string;
  clientId: string;
  clientName: string;
  /** the organization that owns the client */
  organizationId: string;
  client: Client;
  /** extra CSP form-action sources: the client's redirect origin (followed after a submission) */
  formAction: string[];
  send(ctx: Context, page: RenderedPage): void;
  /** records the result and redirects (303) back to the authorization endpoint */
  finish(ctx: Context, result: InteractionResults): Promise<void>;
}

function originOf(uri: unknown): string[] {
  try {
    return typeof uri === 'string' ? [new URL(uri).origin] : [];
  } catch {
    return [];
  }
}

/** Loads the interaction of this browser (from its cookie); null when it is missing, expired or not this uid. */
export async function loadInteraction(ctx: Context, uid: string, provider: Provider, clients: ClientService, csrf: CsrfTokens): Promise<InteractionContext | null> {
  let interaction: Interaction;
  try {
    interaction = await provider.interactionDetails(ctx.req, ctx.res);
  } catch {
    return null;
  }
  if (interaction.uid !== uid) return null;
  const clientId = String(interaction.params.client_id ?? '');
  const client = await clients.findById(clientId);
  if (!client) return null;
  return {
    uid, interaction, clientId, csrf: csrf.issue(uid), clientName: client.name, organizationId: client.organizationId, client,
    formAction: originOf(interaction.params.redirect_uri),
    send: (c, page) => send(c, page),
    async finish(c, result) {
      const redirectTo = await provider.interactionResult(c.req, c.res, result, { mergeWithLastSubmission: false });
      c.status = 303;
      c.set('Cache-Control', 'no-store');
      c.redirect(redirectTo);
    },
  };
}

/** What decides the acting organization for this interaction's signed-in (or signing-in) account. */
export function actingInput(ic: InteractionContext, accountId: string): ActingInput {
  const requested = ic.interaction.params.organization;
  return {
    ownerId: ic.client.organizationId, multiOrganization: ic.client.multiOrganization, accountId,
    requested: typeof requested === 'string' ? requested : undefined,
  };
}
