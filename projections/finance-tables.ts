/**
 * The read models finance reads by plain SQL (documented column by column in
 * docs/finance-tables.md): what `ledger finance grant-readonly` lets a BI role select, and nothing else.
 */
export const FINANCE_TABLES = ['money_movements', 'payments', 'invoices', 'subscriptions'] as const;
