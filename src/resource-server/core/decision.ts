import type { HttpProblem } from '../../http/problem.js';
import { secondsUntil } from '../headers.js';
import type { MeteredPrincipal } from '../metering.js';
import type { Admission } from '../rate-limiter.js';

/** Writes one response header (adapters pass their own, e.g. `res.setHeader`). */
export type HeaderWriter<T> = (target: T, name: string, value: string) => void;

/** An authenticated request: who it is, and the headers its answer carries. */
export class Admitted {
  constructor(
    readonly principal: MeteredPrincipal,
    private readonly admission: Admission | null,
    /** a DPoP nonce to hand out (RFC 9449 §9), when this server issues them */
    private readonly dpopNonce: string | null,
  ) {}

  /** Writes `RateLimit-Limit`, `-Remaining`, `-Reset` (and `DPoP-Nonce`) through `write`. */
  writeHeaders<T>(target: T, write: HeaderWriter<T>): void {
    const a = this.admission;
    if (a) {
      write(target, 'RateLimit-Limit', String(a.limit));
      write(target, 'RateLimit-Remaining', String(a.remaining));
      write(target, 'RateLimit-Reset', String(secondsUntil(a.resetAt)));
    }
    if (this.dpopNonce) write(target, 'DPoP-Nonce', this.dpopNonce);
  }

  /** The same headers as a record (for Web `Response`s). */
  headers(): Record<string, string> {
    const out: Record<string, string> = {};
    this.writeHeaders(out, (o, name, value) => { o[name] = value; });
    return out;
  }
}

/** What the core decides for a request: admitted, or the problem to answer with (status, headers, body). */
export type Decision = Admitted | HttpProblem;
