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

/** The known key an unknown one is probably a typo of, or undefined when it looks like a deliberate extra. */
export function likelyTypo(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  return known.find(
    (k) => k !== key && (k.toLowerCase() === lower || (key.length >= 5 && distance(lower, k.toLowerCase()) <= 2)),
  );
}
