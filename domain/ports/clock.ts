/** Time as the process manager sees it: the wall clock in production, a controllable one in tests. */
export interface Clock {
  now(): Date;
  /** Resolves after `ms` of this clock's time (a test clock resolves when advanced past it). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
