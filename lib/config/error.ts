// The error a bad config or a missing environment variable raises: its message names the field or the
// variable. A leaf module, so code that only reads the environment does not load the config schema.
export class ConfigError extends Error {
  override name = 'ConfigError';
}
