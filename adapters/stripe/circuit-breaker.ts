import CircuitBreaker from 'opossum';
import { classifyStripeError, isRefusal, StripeUnavailableError } from './errors.ts';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Calls in the rolling window before the error rate can open it. */
  readonly volumeThreshold: number;
  /** Failure percentage that opens it. */
  readonly errorThresholdPercentage: number;
  /** How long it stays open before letting one trial call through. */
  readonly resetTimeoutMs: number;
  readonly rollingWindowMs: number;
}

export interface StripeCircuit {
  /** Runs `call`, or fails at once with StripeUnavailableError while the breaker is open. */
  run<T>(call: () => Promise<T>): Promise<T>;
  state(): BreakerState;
  onStateChange(listener: (state: BreakerState) => void): void;
  shutdown(): void;
}

/**
 * One breaker around every call to Stripe: while Stripe fails (5xx, timeouts, lost connections)
 * our endpoints answer 503 at once instead of holding requests and sockets for the whole timeout
 * and retries. Refusals (4xx) mean Stripe is up and do not count. Timeouts are the library's own
 * (its timeout applies per attempt, with its retries), so the breaker adds none.
 */
export function createStripeCircuit(options: BreakerOptions): StripeCircuit {
  const breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
    timeout: false,
    volumeThreshold: options.volumeThreshold,
    errorThresholdPercentage: options.errorThresholdPercentage,
    resetTimeout: options.resetTimeoutMs,
    rollingCountTimeout: options.rollingWindowMs,
    errorFilter: (error: unknown) => isRefusal(error),
  });
  const listeners: ((state: BreakerState) => void)[] = [];
  const tell = (state: BreakerState) => () => listeners.forEach((listener) => listener(state));
  breaker.on('open', tell('open'));
  breaker.on('halfOpen', tell('half_open'));
  breaker.on('close', tell('closed'));
  return {
    async run<T>(call: () => Promise<T>): Promise<T> {
      try {
        return (await breaker.fire(call)) as T;
      } catch (error) {
        if ((error as { code?: string }).code === 'EOPENBREAKER') {
          throw new StripeUnavailableError(`Stripe is failing; calls to it are paused for up to ${Math.ceil(options.resetTimeoutMs / 1000)} s. Try again later`);
        }
        throw classifyStripeError(error);
      }
    },
    state: () => (breaker.opened ? 'open' : breaker.halfOpen ? 'half_open' : 'closed'),
    onStateChange: (listener) => void listeners.push(listener),
    shutdown: () => breaker.shutdown(),
  };
}
