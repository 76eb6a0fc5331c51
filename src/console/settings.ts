/** How long console sessions and sign-ins last, and when tokens are refreshed (README: Console). */
export const CONSOLE_TIMES = {
  /** a session unused this long ends */
  idleSeconds: 12 * 3600,
  /** a session ends this long after sign-in, however busy */
  absoluteSeconds: 7 * 86_400,
  /** a started sign-in must come back within this */
  signInSeconds: 600,
  /** the access token is refreshed when it has less than this left */
  refreshEarlySeconds: 60,
  /** how long one request may hold the right to refresh before another may take it over */
  refreshLeaseMs: 15_000,
  /** how often the idle deadline is pushed back (a store write) */
  touchEverySeconds: 300,
} as const;
