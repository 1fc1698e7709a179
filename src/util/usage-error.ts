/** A mistake in how a command was called or in its input: exit status 2, one line. */
export class UsageError extends Error {}
