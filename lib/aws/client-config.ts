// Settings every SDK client gets: adaptive mode retries throttling with client-side rate limiting,
// so the adapters never retry themselves; what is still failing after 5 attempts becomes a `failed` signal.
export const clientConfig = { retryMode: 'adaptive', maxAttempts: 5 } as const;
