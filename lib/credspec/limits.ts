// How much of a credential spec gmsa-ready will read: shared by the fetchers (which stop early) and the rules.
import type { CredSpecFinding } from '../workflow/types';
import { error, ROOT } from './findings';

/**
 * No spec is read or checked past this size, from any source. 8 KB is the most an SSM parameter can hold
 * (advanced tier; standard is 4 KB: aws-facts.md §5) and credentials-fetcher refuses S3 specs over 4,000 bytes
 * (rules.ts), while a spec for one gMSA is well under 1 KB (test/credspec/fixtures.ts). Windows reading a larger
 * S3 object has no documented limit we could find; we refuse rather than read an unbounded object into the Lambda.
 */
export const CREDSPEC_MAX_BYTES = 8192;

export function tooLarge(bytes: number): CredSpecFinding {
  return error(
    'too-large',
    ROOT,
    `The spec is ${bytes} bytes, over the ${CREDSPEC_MAX_BYTES}-byte limit (the largest SSM parameter; real specs are about 1 KB): it was not checked further and cannot be used.`,
  );
}
