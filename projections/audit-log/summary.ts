import type { DomainEvent } from '../../domain/events/catalogue.ts';
import { formatMinor } from '../../domain/money.ts';

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const amount = (minor: number, currency: string) => `${formatMinor(minor, currency)} ${currency.toUpperCase()}`;

/**
 * One line a person reads in the audit trail: what happened, with the ids to look it up by. It
 * says only what the event already holds for the tenant (never a secret: the events carry none).
 * A type added to the catalogue later reads as its name in words until it gets a line here.
 */
export function auditSummary(event: DomainEvent): string {
  switch (event.type) {
    case 'CheckoutSessionCompleted':
      return `Checkout ${event.data.session.id} completed${event.data.session.subscriptionId ? ` (subscription ${event.data.session.subscriptionId})` : ''}`;
    case 'SubscriptionCreated':
      return `Subscription ${event.data.subscription.id} created (${event.data.subscription.status})`;
    case 'SubscriptionUpdated':
      return `Subscription ${event.data.subscription.id} updated (${event.data.subscription.status}${event.data.subscription.cancelAtPeriodEnd ? ', ends at the period end' : ''})`;
    case 'SubscriptionDeleted':
      return `Subscription ${event.data.subscription.id} ended (${event.data.subscription.status})`;
    case 'SubscriptionTrialWillEnd': {
      const { id, trialEnd } = event.data.subscription;
      return `Trial of subscription ${id} ends ${trialEnd === null ? 'soon' : `at ${iso(trialEnd)}`}`;
    }
    case 'InvoicePaid':
      return `Invoice ${event.data.invoice.id} paid: ${amount(event.data.invoice.amountPaid, event.data.invoice.currency)}`;
    case 'InvoicePaymentFailed': {
      const { id, amountDue, currency, attemptCount } = event.data.invoice;
      return `Payment of invoice ${id} failed (${amount(amountDue, currency)}, attempt ${attemptCount})`;
    }
    case 'InvoicePaymentActionRequired':
      return `Invoice ${event.data.invoice.id} needs the customer to confirm the payment`;
    case 'InvoicePaymentPaid': {
      const { invoiceId, amountPaid, currency } = event.data.invoicePayment;
      return `Payment of invoice ${invoiceId} recorded${amountPaid === null ? '' : `: ${amount(amountPaid, currency)}`}`;
    }
    case 'CustomerUpdated':
      return `Customer ${event.data.customer.id} updated`;
    case 'CustomerDeleted':
      return `Customer ${event.data.customer.id} deleted`;
    case 'PaymentMethodAttached': {
      const { id, type, card } = event.data.paymentMethod;
      return `Payment method ${id} attached (${card ? `${card.brand} ending ${card.last4}` : type})`;
    }
    case 'ChargeRefunded': {
      const { id, amount: charged, amountRefunded, currency } = event.data.charge;
      return `Charge ${id} refunded: ${amount(amountRefunded, currency)} of ${amount(charged, currency)}`;
    }
    case 'StripeEventRecorded':
      return `Stripe event ${event.data.stripe.type} recorded, not modelled (${event.data.reason.replaceAll('_', ' ')})`;
    case 'BillingCustomerCreated':
      return `Stripe customer ${event.data.customerId} created`;
    case 'CheckoutRequested':
      return `Checkout requested for plan ${event.data.planId}`;
    case 'PortalSessionRequested':
      return 'Customer portal opened';
    case 'CancellationRequested':
      return `Cancellation of subscription ${event.data.subscriptionId} requested${event.data.cancelAt === null ? '' : ` for ${iso(event.data.cancelAt)}`}: "${event.data.reason}"`;
    case 'ResumeRequested':
      return `Subscription ${event.data.subscriptionId} resumed`;
    case 'PlanChangeRequested': {
      const { fromPlanId, toPlanId, direction } = event.data;
      return `Plan change requested (${direction}): ${fromPlanId ?? 'unknown plan'} to ${toPlanId}`;
    }
    case 'ProvisioningStarted':
      return `Provisioning of ${event.data.hostname} started (by ${event.data.trigger})`;
    case 'ProvisioningStepStarted':
      return `Provisioning step ${event.data.step} started (attempt ${event.data.attempt})`;
    case 'ProvisioningStepDone':
      return `Provisioning step ${event.data.step} done (attempt ${event.data.attempt}${event.data.simulated ? ', simulated' : ''})`;
    case 'ProvisioningStepFailed': {
      const { step, attempt, error, retryAt } = event.data;
      return `Provisioning step ${step} failed (attempt ${attempt}): ${error}; ${retryAt === null ? 'no retries left' : `retry at ${iso(retryAt)}`}`;
    }
    case 'ProvisioningDelayed':
      return `Provisioning delayed at step ${event.data.step}: ${event.data.reason}${event.data.retryAt === null ? '' : `; retry at ${iso(event.data.retryAt)}`}`;
    case 'ProvisioningRetryRequested':
      return `Retry of provisioning step ${event.data.step} requested by ${event.data.requestedBy}`;
    case 'ProvisioningReady':
      return `Infrastructure ready: ${event.data.hostname} (${event.data.ip})${event.data.simulated ? ', simulated' : ''}`;
    case 'OperatorAlertRaised':
      return `Operators alerted (${event.data.process}): ${event.data.summary}`;
    case 'AccessSuspended':
      return `Access suspended (invoice ${event.data.invoiceId}): ${event.data.reason}`;
    case 'AccessRestored':
      return `Access restored${event.data.invoiceId === null ? '' : ` (invoice ${event.data.invoiceId})`}: ${event.data.reason}`;
    case 'AccessRevoked':
      return `Access revoked (subscription ${event.data.subscriptionId}): ${event.data.reason}`;
    default:
      return typeInWords((event as { type: string }).type);
  }
}

/** "DunningNoticeSent" → "Dunning notice sent". */
export function typeInWords(type: string): string {
  const words = type.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
