// The packaged CloudFormation template, for the infrastructure tests. `npm test` runs `npm run package`
// before vitest; when the tests run on their own (npx vitest run test/infra), the template is packaged
// here if it is missing, was packaged for another stage, or is older than any file that shapes it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const STAGE = 'example';
const TEMPLATE = '.serverless/cloudformation-template-update-stack.json';
const INPUTS = [
  'serverless.yml',
  'scripts/stage-config.cjs',
  `config/${STAGE}.yml`,
  'ssm',
  'lib/infra',
  'lib/config',
  'lib/capabilities.ts',
];

// biome-ignore lint/suspicious/noExplicitAny: a parsed template is untyped JSON; the tests assert its shape.
export type Json = any;

export interface Resource {
  Type: string;
  Properties: Record<string, Json>;
  [key: string]: unknown;
}

export interface Template {
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Value: unknown }>;
}

function newestInput(): number {
  const mtimes = INPUTS.flatMap((path) =>
    statSync(path).isDirectory()
      ? readdirSync(path).map((file) => statSync(join(path, file)).mtimeMs)
      : [statSync(path).mtimeMs],
  );
  return Math.max(...mtimes);
}

function read(): Template | undefined {
  if (!existsSync(TEMPLATE)) return undefined;
  const template = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as Template;
  const fresh = template.Outputs?.Stage?.Value === STAGE && statSync(TEMPLATE).mtimeMs >= newestInput();
  return fresh ? template : undefined;
}

export function loadTemplate(): Template {
  const cached = read();
  if (cached) return cached;
  execFileSync(process.execPath, ['scripts/package.js'], { env: { ...process.env, STAGE }, stdio: 'inherit' });
  const template = read();
  if (!template) throw new Error(`${TEMPLATE} is still missing or stale after packaging`);
  return template;
}

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
};

/**
 * Renders a CloudFormation value to a string as it would deploy in us-east-1 / 123456789012: a Ref or ${X}
 * of a resource with a Name property (SSM documents) becomes that name, anything else <Id> / <Id.Attr>.
 */
export function render(template: Template, value: unknown): string {
  const named = (id: string) => {
    if (PSEUDO[id]) return PSEUDO[id];
    const [logicalId, attribute] = id.split('.');
    const name = template.Resources[logicalId ?? '']?.Properties?.Name;
    return !attribute && typeof name === 'string' ? name : `<${id}>`;
  };
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (typeof object['Fn::Sub'] === 'string')
      return object['Fn::Sub'].replace(/\$\{([^}]+)\}/g, (_, id: string) => named(id));
    if (typeof object.Ref === 'string') return named(object.Ref);
    if (Array.isArray(object['Fn::GetAtt'])) return `<${object['Fn::GetAtt'].join('.')}>`;
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}
