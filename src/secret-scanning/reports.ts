import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * What GitHub sends: a JSON array of matches, each the token found, the pattern's type, where it
 * was found (`url`) and in what kind of place (`source`: `content`, `commit`, `npm`, …). Unknown
 * members are ignored (GitHub may add some).
 */
export const reportsSchema = z.array(z.object({
  token: z.string().min(1).max(1024),
  type: z.string().min(1).max(200),
  url: z.string().max(2048).optional().nullable(),
  source: z.string().max(100).optional().nullable(),
})).min(1).max(1000);

export type LeakReport = z.infer<typeof reportsSchema>[number];

/** Whether the report names a real key (ever minted here), or not. */
export type Label = 'true_positive' | 'false_positive';

/**
 * One answer per reported token, as GitHub's false-positive feedback expects it. The token is
 * named by its SHA-256 (`token_hash`), never echoed back (`token_raw`).
 */
export interface LabelledToken {
  token_hash: string;
  token_type: string;
  label: Label;
}

export function labelled(report: LeakReport, label: Label): LabelledToken {
  return { token_hash: createHash('sha256').update(report.token).digest('hex'), token_type: report.type, label };
}

/** The report's `url` when it is an http(s) URL, else null (it is shown in mails and webhooks). */
export function foundAt(report: LeakReport): string | null {
  if (!report.url) return null;
  try {
    const url = new URL(report.url);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}
