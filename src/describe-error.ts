const QUOTED_LITERAL = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g;

/**
 * A message with every quoted literal blanked: Postgres quotes the offending value
 * (`invalid input syntax for type integer: "someone@example.com"`).
 */
export function withoutQuotedLiterals(message: string): string {
  const BLANKED = '\u0000';
  return message
    .replace(QUOTED_LITERAL, BLANKED)
    // A quote left open (a message cut short) could still run into content: drop the rest.
    .replace(/["'].*$/s, '…')
    .replaceAll(BLANKED, '"…"');
}

/**
 * An error as it may be stored beside the log or shown by a command: never event content. Only
 * its message, with quoted literals blanked, and its code (a SQLSTATE for a database error);
 * Postgres's `detail` and `where`, which quote the data, are never read. Log lines get the same
 * treatment from the logger's serializer.
 */
export function describeError(error: unknown): { message: string; code: string | null } {
  if (!(error instanceof Error)) return { message: `non-error thrown: ${typeof error}`, code: null };
  const code = (error as { code?: unknown }).code;
  return { message: withoutQuotedLiterals(error.message), code: typeof code === 'string' ? code : null };
}
