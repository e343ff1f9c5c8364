// Paths into parsed input, written the way the file reads: fleets[0].directory.id, or $.DomainJoinConfig.Sid for
// a credential spec. Keys come from the input, so anything but a plain identifier is quoted with escapes.

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** JSON string literal with every non-printable-ASCII character escaped, cut at 64 characters. */
export function asciiJson(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `root` starts the path: '' for config and world files, '$' for credential specs. */
export function renderPath(segments: readonly PathSegment[], root = ''): string {
  return segments.reduce<string>((acc, segment) => {
    if (typeof segment === 'number') return `${acc}[${segment}]`;
    if (!IDENTIFIER.test(segment)) return `${acc}[${asciiJson(segment)}]`;
    return acc ? `${acc}.${segment}` : segment;
  }, root);
}
