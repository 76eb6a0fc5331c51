import { boundChildren } from '../../ops/bound-counters.js';

/** Counts of credential checks (e.g. the Prometheus counter `gatehouse_authentications_total`). */
export interface AuthCounter {
  labels(labels: { kind: string; outcome: string }): { inc(): void };
}

/** `count(kind, outcome)` over a labelled counter, each child bound once (no label object or key string per call). */
export function countBy(counter: AuthCounter): (kind: string, outcome: string) => void {
  const children = new Map<string, Map<string, { inc(): void }>>();
  const bind = boundChildren((labels: { kind: string; outcome: string }) => counter.labels(labels));
  return (kind, outcome) => {
    let byOutcome = children.get(kind);
    if (!byOutcome) children.set(kind, (byOutcome = new Map()));
    let child = byOutcome.get(outcome);
    if (!child) byOutcome.set(outcome, (child = bind(`${kind}|${outcome}`, () => ({ kind, outcome }))));
    child.inc();
  };
}
