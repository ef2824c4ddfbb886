/**
 * An error as it may be logged or stored beside the log: never event content. Postgres puts
 * values in its messages in double quotes (`invalid input syntax for type uuid: "..."`) and more
 * in `detail` and `where`, so for a database error (one with a SQLSTATE) quoted text is replaced
 * and those fields are never read.
 */
export function describeError(error: unknown): { message: string; code: string | null } {
  if (!(error instanceof Error)) return { message: `non-error thrown: ${typeof error}`, code: null };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return { message: error.message.replace(/"(?:[^"\\]|\\.)*"/g, '"…"'), code };
  }
  return { message: error.message, code: typeof code === 'string' ? code : null };
}
