/**
 * A failure the operator can act on (bad configuration, a store in use, a database that does not
 * answer): commands print its message as it is, without a stack, and exit with code 2. Anything
 * else is a bug and keeps its stack.
 */
export class OperatorError extends Error {}
