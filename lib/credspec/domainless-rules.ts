// Rules for domainless specs (HostAccountConfig): the host is not joined, so the CCG plugin (Windows) or
// credentials-fetcher (Linux) logs in with a user whose credentials sit behind the ARN in PluginInput.
// The two platforms read PluginInput in different dialects; a spec written for one fails on the other.

import { parseJsonStrict } from '../json/strict';
import type { CredSpecFinding, Platform } from '../workflow/types';
import { error, isObject, nonEmptyString, show, warning } from './findings';

const HAC = '$.ActiveDirectoryConfig.HostAccountConfig';
/** The AWS CCG plugin; the ECS agent advertises gmsa-domainless only when this GUID is registered. */
export const AWS_CCG_PLUGIN_GUID = '{859E1386-BDB4-49E8-85C7-3070B13920E1}';

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_.\-/]+$/;

export interface DomainlessResult {
  findings: CredSpecFinding[];
  /** The Secrets Manager secret PluginInput names, when it names one, for the existence check. */
  secretArn?: string;
}

export function domainlessFindings(hac: unknown, platform: Platform | undefined): DomainlessResult {
  if (!isObject(hac)) {
    return {
      findings: [
        error(
          'host-account-missing',
          HAC,
          'The spec is used domainless (credentialspecdomainless:, or a domainless fleet) but has no HostAccountConfig: the host is not joined to the domain and has no way to log in, so tasks fail with "Cannot get gMSA krb ticket".',
        ),
      ],
    };
  }
  // Without a platform, the dialect of PluginInput tells which reader the spec was written for.
  const effective = platform ?? (isObject(hac.PluginInput) ? 'linux' : 'windows');
  // credentials-fetcher ignores the GUID and the version; only the Windows CCG needs them exactly.
  const strict = effective === 'windows' ? error : warning;
  const findings: CredSpecFinding[] = [];

  if (typeof hac.PluginGUID !== 'string' || hac.PluginGUID.toUpperCase() !== AWS_CCG_PLUGIN_GUID) {
    findings.push(
      strict(
        'plugin-guid',
        `${HAC}.PluginGUID`,
        `PluginGUID is ${show(hac.PluginGUID)} but must be ${AWS_CCG_PLUGIN_GUID}, the AWS CCG plugin: Windows cannot load another plugin and the container fails to start with a CCG error.`,
      ),
    );
  }
  if (hac.PortableCcgVersion !== '1') {
    findings.push(
      strict(
        'portable-ccg-version',
        `${HAC}.PortableCcgVersion`,
        `PortableCcgVersion is ${show(hac.PortableCcgVersion)} but must be the string "1": Windows CCG does not recognize the host account config and the container fails to start.`,
      ),
    );
  }
  const input = effective === 'windows' ? windowsInput(hac.PluginInput) : linuxInput(hac.PluginInput);
  if ('finding' in input) return { findings: [...findings, input.finding] };
  return arnFindings(findings, input.arn, effective);
}

type InputResult = { arn: string } | { finding: CredSpecFinding };

const PI = `${HAC}.PluginInput`;

function windowsInput(input: unknown): InputResult {
  if (isObject(input)) {
    return {
      finding: error(
        'wrong-platform',
        PI,
        'PluginInput is a JSON object (the Linux credentials-fetcher form) but Windows CCG reads a JSON-encoded string such as "{\\"credentialArn\\": \\"arn:aws:secretsmanager:...\\"}": the plugin gets no credentials and the container fails to start.',
      ),
    };
  }
  const parsed = typeof input === 'string' ? parseJson(input) : undefined;
  if (!isObject(parsed) || !nonEmptyString(parsed.credentialArn)) {
    return {
      finding: error(
        'plugin-input-form',
        PI,
        `PluginInput must be a JSON-encoded string with the key credentialArn; it is ${show(input)}: the CCG plugin finds no credentials and the container fails to start.`,
      ),
    };
  }
  return { arn: parsed.credentialArn };
}

function linuxInput(input: unknown): InputResult {
  if (typeof input === 'string') {
    return {
      finding: error(
        'wrong-platform',
        PI,
        'PluginInput is a JSON string (the Windows CCG form) but credentials-fetcher reads an object with the key CredentialArn: it finds no secret and the task fails to start.',
      ),
    };
  }
  if (!isObject(input) || !nonEmptyString(input.CredentialArn)) {
    return {
      finding: error(
        'plugin-input-form',
        PI,
        `PluginInput must be an object with the key CredentialArn (capital C); it is ${show(input)}: credentials-fetcher finds no secret and the task fails to start.`,
      ),
    };
  }
  return { arn: input.CredentialArn };
}

function arnFindings(findings: CredSpecFinding[], arn: string, platform: Platform): DomainlessResult {
  if (SECRET_ARN.test(arn)) return { findings, secretArn: arn };
  // Windows (only) may keep the domainless user in an SSM parameter.
  if (platform === 'windows' && PARAMETER_ARN.test(arn)) return { findings };
  const accepted =
    platform === 'windows' ? 'a Secrets Manager secret ARN or an SSM parameter ARN' : 'a Secrets Manager secret ARN';
  findings.push(
    error(
      'plugin-input-arn',
      PI,
      `The credential ARN ${show(arn)} is not ${accepted}: the host cannot fetch the domainless user's credentials and the task fails to start.`,
    ),
  );
  return { findings };
}

function parseJson(text: string): unknown {
  try {
    return parseJsonStrict(text);
  } catch {
    return undefined;
  }
}
