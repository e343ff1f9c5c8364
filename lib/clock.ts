// The shell's only clock. Handlers read time here and pass it into the core inside signals; the sandbox
// swaps in its virtual clock so hours of AWS time run in seconds.

let source: () => number = () => Date.now() / 1000;

/** Current time, epoch seconds (fractional). */
export function now(): number {
  return source();
}

/** Replaces the clock (sandbox and tests); returns a function that restores the previous one. */
export function useClock(next: () => number): () => void {
  const previous = source;
  source = next;
  return () => {
    source = previous;
  };
}
