// Config files may carry extra fields (the contract), but a misspelt known field must not pass
// silently: `deleteComputerAcount: false` would leave the default (delete) in force against the intent.

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/** camelCase, snake_case or kebab-case words, lower-cased: deleteComputerAccount → delete, computer, account. */
const words = (key: string): string[] =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/**
 * A shortened name: every word of `key`, in order, starts a word of `known`, and it has at least two words
 * (deleteAccount → deleteComputerAccount, heartbeatTimeout → heartbeatTimeoutSeconds). One word alone
 * (`name`, `delete`) is too common to mean a known field.
 */
function isShortened(key: string, known: string): boolean {
  const short = words(key);
  const long = words(known);
  if (short.length < 2 || short.length >= long.length) return false;
  let j = 0;
  for (const word of short) {
    while (j < long.length && !long[j]?.startsWith(word)) j++;
    if (j === long.length) return false;
    j++;
  }
  return true;
}

/** The known key an unknown one is probably a typo of, or undefined when it looks like a deliberate extra. */
export function likelyTypo(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  return known.find(
    (k) =>
      k !== key &&
      (k.toLowerCase() === lower || (key.length >= 5 && distance(lower, k.toLowerCase()) <= 2) || isShortened(key, k)),
  );
}
