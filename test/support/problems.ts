import { HttpProblem } from '../../src/http/problem.js';

/** The `HttpProblem` a service call rejects with (the test fails when it resolves or throws anything else). */
export async function problemOf(promise: Promise<unknown>): Promise<HttpProblem> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(HttpProblem);
  return err as HttpProblem;
}
