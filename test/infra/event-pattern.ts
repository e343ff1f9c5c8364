// Enough of EventBridge pattern matching for this stack's rules: exact values, anything-but, exists,
// nested objects. Lets the tests check which fixture events a rule would deliver.
type Pattern = { [key: string]: Pattern | unknown[] };

function matchesValue(value: unknown, candidates: unknown[]): boolean {
  return candidates.some((candidate) => {
    if (candidate && typeof candidate === 'object') {
      const filter = candidate as Record<string, unknown>;
      if ('anything-but' in filter) {
        const excluded = filter['anything-but'];
        return value !== undefined && !(Array.isArray(excluded) ? excluded : [excluded]).includes(value);
      }
      if ('exists' in filter) return (value !== undefined) === filter.exists;
      throw new Error(`unsupported filter ${JSON.stringify(candidate)}`);
    }
    return Array.isArray(value) ? value.includes(candidate) : value === candidate;
  });
}

export function matchesPattern(event: unknown, pattern: Pattern): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const value = (event as Record<string, unknown> | undefined)?.[key];
    if (Array.isArray(expected)) return matchesValue(value, expected);
    return typeof value === 'object' && value !== null && matchesPattern(value, expected as Pattern);
  });
}
