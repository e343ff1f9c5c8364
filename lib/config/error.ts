// The error a bad config or a missing environment variable raises: its message names the field or the
// variable. A leaf module, so code that only reads the environment does not load the config schema.

/** One problem with a config, as check-config --json lists it: the path in the file's own terms and why. */
export interface ConfigIssue {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  /** Every problem found; a failure of the whole file (unreadable, not YAML) is one issue at (root). */
  readonly issues: ConfigIssue[];
  constructor(message: string, issues?: ConfigIssue[]) {
    super(message);
    this.issues = issues ?? [{ path: '(root)', message }];
  }
}
