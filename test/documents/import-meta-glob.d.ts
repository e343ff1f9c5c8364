// The type of import.meta.glob, which vitest's bundler (vite) provides; vite's client types are not a direct
// dependency of the project, so documents.test.ts declares the one signature it uses.
interface ImportMeta {
  glob(
    patterns: string | string[],
    options?: { query?: string; eager?: boolean; import?: string },
  ): Record<string, unknown>;
}
