// The pure validator: credential spec text in, findings out. No I/O; the fetchers bring the text.
import { renderPath } from '../json/path';
import { JsonShapeError, parseJsonStrict } from '../json/strict';
import type { CredSpecFinding, Platform } from '../workflow/types';
import { domainJoinFindings, gmsaFindings } from './domain-rules';
import { domainlessFindings } from './domainless-rules';
import { error, isObject, ROOT, show, warning } from './findings';
import { CREDSPEC_MAX_BYTES, tooLarge } from './limits';

export type SourceKind = 'ssm' | 's3' | 'file';

export interface CredSpecRuleOptions {
  /** The fleet's directory name; the spec's DnsName must match it. */
  domain?: string;
  /** Unknown (CLI without --platform): platform-specific rules infer it from the spec or soften to warnings. */
  platform?: Platform;
  /** The source says domainless (credentialspecdomainless:, or a domainless fleet). HostAccountConfig also implies it. */
  domainless?: boolean;
  sourceKind?: SourceKind;
}

export interface CredSpecInspection {
  findings: CredSpecFinding[];
  /** The Secrets Manager secret a domainless spec's PluginInput names. */
  secretArn?: string;
}

/** credentials-fetcher refuses S3 credential specs larger than this. */
export const S3_SPEC_MAX_BYTES = 4000;
/** Standard-tier parameter values are limited to 4 KB; warn from 90% of it. */
export const SSM_STANDARD_MAX_BYTES = 4096;
export const SSM_WARN_BYTES = Math.floor(SSM_STANDARD_MAX_BYTES * 0.9);
/** A spec nests 4 levels (ActiveDirectoryConfig.GroupManagedServiceAccounts[0].Name); 16 leaves room, no more. */
export const CREDSPEC_MAX_DEPTH = 16;

export function validateCredSpecText(text: string, options: CredSpecRuleOptions = {}): CredSpecFinding[] {
  return inspectCredSpecText(text, options).findings;
}

/**
 * Never throws: any size, nesting or shape of text is a finding, so a launch's verify step fails at once with it
 * (lib/workflow/launch.ts) rather than retrying a crash until its deadline.
 */
export function inspectCredSpecText(text: string, options: CredSpecRuleOptions = {}): CredSpecInspection {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > CREDSPEC_MAX_BYTES) return { findings: [tooLarge(bytes)] };
  const findings = sizeFindings(bytes, options);
  let doc: unknown;
  try {
    doc = parseJsonStrict(text, CREDSPEC_MAX_DEPTH);
  } catch (e) {
    return { findings: [...findings, unparsable(text, e)] };
  }
  try {
    return inspectDocument(doc, findings, options);
  } catch (e) {
    // A rule's bug must not look like a transient failure: report it as what it is, an unusable check.
    const reason = e instanceof Error ? e.message : String(e);
    return { findings: [...findings, error('check-failed', ROOT, `The spec could not be checked (${reason}).`)] };
  }
}

function inspectDocument(doc: unknown, findings: CredSpecFinding[], options: CredSpecRuleOptions): CredSpecInspection {
  if (!isObject(doc)) {
    const kind = Array.isArray(doc) ? 'an array' : doc === null ? 'null' : `a ${typeof doc}`;
    findings.push(
      error(
        'not-object',
        ROOT,
        `The spec is ${kind}, not a JSON object: ECS cannot hand it to the container runtime and tasks fail to start.`,
      ),
    );
    return { findings };
  }

  const plugins = doc.CmsPlugins;
  if (!Array.isArray(plugins) || !plugins.includes('ActiveDirectory')) {
    findings.push(
      error(
        'cms-plugins',
        '$.CmsPlugins',
        `CmsPlugins must contain "ActiveDirectory"; it is ${show(plugins)}: the container runtime ignores the spec and the container runs without the gMSA identity.`,
      ),
    );
  }

  const dj = isObject(doc.DomainJoinConfig) ? doc.DomainJoinConfig : undefined;
  if (dj) findings.push(...domainJoinFindings(dj, options.domain));
  else findings.push(sectionMissing('domain-join-missing', 'DomainJoinConfig', 'the domain the gMSA belongs to'));

  const ad = isObject(doc.ActiveDirectoryConfig) ? doc.ActiveDirectoryConfig : undefined;
  if (!ad) {
    findings.push(sectionMissing('ad-config-missing', 'ActiveDirectoryConfig', 'the gMSA accounts'));
    return { findings };
  }
  findings.push(...gmsaFindings(ad, dj, options.platform));

  if (options.domainless || ad.HostAccountConfig !== undefined) {
    const domainless = domainlessFindings(ad.HostAccountConfig, options.platform);
    findings.push(...domainless.findings);
    return { findings, secretArn: domainless.secretArn };
  }
  return { findings };
}

function sizeFindings(bytes: number, { sourceKind, platform }: CredSpecRuleOptions): CredSpecFinding[] {
  if (sourceKind === 's3' && bytes > S3_SPEC_MAX_BYTES && platform !== 'windows') {
    // Only credentials-fetcher (Linux) has this limit; without a platform it is worth knowing, not fatal.
    const report = platform === 'linux' ? error : warning;
    return [
      report(
        'too-large',
        ROOT,
        `The spec is ${bytes} bytes; credentials-fetcher rejects S3 credential specs over ${S3_SPEC_MAX_BYTES} bytes, so Linux tasks using it fail to start.`,
      ),
    ];
  }
  if (sourceKind === 'ssm' && bytes > SSM_WARN_BYTES && bytes <= SSM_STANDARD_MAX_BYTES) {
    return [
      warning(
        'near-size-limit',
        ROOT,
        `The spec is ${bytes} bytes, close to the ${SSM_STANDARD_MAX_BYTES}-byte limit of a standard-tier parameter: the next edit (another gMSA) may not fit; use the advanced tier or S3.`,
      ),
    ];
  }
  return [];
}

function unparsable(text: string, cause: unknown): CredSpecFinding {
  if (cause instanceof JsonShapeError && cause.kind === 'duplicate-key') {
    return error(
      'duplicate-key',
      renderPath(cause.segments, ROOT),
      `The spec repeats a key (${cause.message}): readers disagree on which value counts, so it is refused.`,
    );
  }
  if (cause instanceof JsonShapeError) {
    return error('too-deep', ROOT, `The spec is ${cause.message}; a credential spec nests 4, so it cannot be one.`);
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  // PowerShell 5 writes UTF-8 with a byte-order mark, which JSON parsers refuse.
  const hint = text.startsWith('\uFEFF')
    ? ' The text starts with a byte-order mark; save it as UTF-8 without BOM.'
    : '';
  return error(
    'invalid-json',
    ROOT,
    `The spec is not valid JSON (${reason}): ECS cannot read it and tasks fail to start.${hint}`,
  );
}

const sectionMissing = (code: string, section: string, what: string): CredSpecFinding =>
  error(
    code,
    `$.${section}`,
    `${section} (${what}) is missing or not an object: tasks using the spec fail with "Cannot get gMSA krb ticket".`,
  );
