/**
 * A value now, or later. The hot path returns cached answers synchronously: with async hooks
 * active (oidc-provider's AsyncLocalStorage), every promise costs hook calls, and a request that
 * is all cache hits needs none.
 */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
}

/** `fn(value)`, at once when `value` is already there, else once it resolves. */
export function then<T, R>(value: MaybePromise<T>, fn: (resolved: T) => MaybePromise<R>): MaybePromise<R> {
  return isPromise(value) ? value.then(fn) : fn(value);
}
