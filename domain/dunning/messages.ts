import { formatMinor } from '../money.ts';
import type { DunningStep } from '../events/dunning-events.ts';
import type { Activation, DunningRun } from './state.ts';

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
}

const day = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().slice(0, 10);

/** The notices of the seed schedule. Every one carries the run's payment link and the suspension date. */
export function dunningNotice(run: DunningRun, step: DunningStep): EmailContent {
  const invoice = run.invoiceNumber ?? run.invoiceId;
  const amount = `${formatMinor(run.amountDue, run.currency)} ${run.currency}`;
  const suspendAt = run.schedule.find((s) => s.action === 'suspend')?.dueAt;
  const deadline = suspendAt === undefined ? '' : ` Unless it is paid by ${day(suspendAt)}, access to your account will be suspended.`;
  const pay = `Pay it here: ${run.paymentUrl}`;
  switch (step) {
    case 'first-notice':
      return { subject: `Payment failed for invoice ${invoice}`, text: `We could not collect ${amount} for invoice ${invoice}. ${pay}\n${deadline.trim()}\n` };
    case 'second-notice':
      return { subject: `Reminder: invoice ${invoice} is unpaid`, text: `Invoice ${invoice} (${amount}) is still unpaid. ${pay}\n${deadline.trim()}\n` };
    case 'final-warning':
      return { subject: `Final warning: invoice ${invoice} is unpaid`, text: `This is the last reminder: invoice ${invoice} (${amount}) is still unpaid. ${pay}\n${deadline.trim()}\n` };
    case 'suspend':
      throw new Error('the suspension is not an email');
  }
}

export function activationConfirmation(activation: Activation, planName: string | null): EmailContent {
  const plan = planName ? ` to ${planName}` : '';
  const trial = activation.status === 'trialing' ? ' Your trial has started.' : '';
  return {
    subject: 'Your subscription is active',
    text: `Thank you: your subscription${plan} is active and its features are unlocked.${trial}\nSubscription: ${activation.subscriptionId}\n`,
  };
}
