/**
 * Body limits. Conversation routes take the configured content size; every other route takes
 * small JSON documents, so a client cannot make the server buffer megabytes of anything else.
 */
export const SMALL_BODY_BYTES = 16 * 1024;

/** Spread into a small route's options. */
export const smallBody = { bodyLimit: SMALL_BODY_BYTES } as const;
