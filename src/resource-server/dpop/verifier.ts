import type { HttpProblem } from '../../http/problem.js';
import type { AuthExchange } from '../core/exchange.js';
import type { DpopNonces } from './nonce.js';
import { dpopRefused } from './problems.js';
import { createDpopProofChecker, isRefusal } from './proof.js';
import type { ReplayGuard } from './replay.js';

export interface DpopOptions {
  /** where used proofs are remembered; share it between instances (the store, or Gatehouse) */
  replay: ReplayGuard;
  /** server nonces (RFC 9449 §9); with `requireNonce`, every proof must carry a current one */
  nonces?: DpopNonces;
  requireNonce?: boolean;
  /** seconds a proof's `iat` may be from now (default 300) */
  iatWindowSeconds?: number;
  /**
   * the origin clients address this server at (e.g. `https://api.example.com`), for `htu`;
   * default: the request's own (its Host header, and the framework's idea of the scheme)
   */
  origin?: string;
  now?: () => number;
}

/** Checks the proof of a DPoP-bound token's request: null when it holds, else the 401 to answer. */
export type DpopVerifier = {
  verify(ex: AuthExchange, accessToken: string, boundJkt: string): Promise<HttpProblem | null>;
  /** the nonce to hand out with an answer, when nonces are on */
  nonce(): string | null;
};

/**
 * The resource server's side of RFC 9449 §7.1: the proof itself (see `createDpopProofChecker`),
 * then the binding (the proof's key thumbprint = the token's `cnf.jkt`), and last the `jti`,
 * claimed once through `replay` (so a refused proof never costs a store write).
 */
export function createDpopVerifier(options: DpopOptions): DpopVerifier {
  const checkProof = createDpopProofChecker(options);
  const nonce = () => options.nonces?.next() ?? null;
  const origin = options.origin?.replace(/\/+$/, '');
  const urlOf = (ex: AuthExchange) => {
    const url = ex.url();
    return origin ? origin + new URL(url).pathname : url;
  };
  return {
    nonce,
    async verify(ex, accessToken, boundJkt) {
      const proof = ex.header('dpop');
      if (!proof) return dpopRefused('invalid_dpop_proof', 'a DPoP-bound token needs a DPoP proof header');
      const result = await checkProof({ proof, method: ex.method, url: urlOf(ex), accessToken });
      if (isRefusal(result)) return dpopRefused(result.error, result.description, result.error === 'use_dpop_nonce' ? nonce() ?? undefined : undefined);
      if (result.jkt !== boundJkt) return dpopRefused('invalid_dpop_proof', 'the DPoP proof key is not the key the token is bound to');
      if (!(await options.replay.claim(result.jkt, result.jti, result.usableUntil))) return dpopRefused('invalid_dpop_proof', 'the DPoP proof was used before');
      return null;
    },
  };
}
