import type { Gauge } from 'prom-client';
import type { Logger } from '../logger.ts';

/**
 * One alert's state: an error line when its condition starts to hold, an info line when it stops,
 * and nothing in between, so a failing hour is one line, not one per request. The gauge
 * (`ledger_alert_firing{alert}`) says the same to Prometheus.
 */
export class Crossing {
  private firing = false;

  private readonly deps: { name: string; logger: Logger; firingGauge: Gauge<'alert'> };
  private readonly messages: { firing: string; resolved: string };
  constructor(
    deps: { name: string; logger: Logger; firingGauge: Gauge<'alert'> },
    messages: { firing: string; resolved: string },
  ) {
    this.deps = deps;
    this.messages = messages;
    deps.firingGauge.set({ alert: deps.name }, 0);
  }

  /** Tells whether the condition holds now, with the figures that say why. */
  observe(holds: boolean, figures: Record<string, unknown>): void {
    if (holds === this.firing) return;
    this.firing = holds;
    this.deps.firingGauge.set({ alert: this.deps.name }, holds ? 1 : 0);
    const line = { alert: this.deps.name, ...figures };
    if (holds) this.deps.logger.error(line, this.messages.firing);
    else this.deps.logger.info(line, this.messages.resolved);
  }
}
