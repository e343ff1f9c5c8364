// Turns the CloudFormation values of a policy (Fn::Sub, Ref, Fn::GetAtt) into the strings they deploy as, given
// what each name stands for. The sandbox resolves the roles it enforces with it; the tests resolve the packaged
// template. It handles the intrinsics lib/infra emits and refuses any other, rather than guessing.
import type { CfnValue } from './cfn';

/** What `${Name}`, `Ref: Name` or `Fn::GetAtt: [Id, Attr]` (as `Id.Attr`) stands for; undefined: unknown. */
export type Lookup = (name: string) => string | undefined;

export function pseudoParameters(region: string, accountId: string, partition = 'aws'): Lookup {
  const values: Record<string, string> = {
    'AWS::Partition': partition,
    'AWS::Region': region,
    'AWS::AccountId': accountId,
  };
  return (name) => values[name];
}

function known(lookup: Lookup, name: string): string {
  const value = lookup(name);
  if (value === undefined) throw new Error(`cannot resolve ${name}`);
  return value;
}

export function resolveValue(value: CfnValue, lookup: Lookup): string {
  if (typeof value === 'string') return value;
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') return sub.replace(/\$\{([^}]+)\}/g, (_, name: string) => known(lookup, name));
  if (typeof value.Ref === 'string') return known(lookup, value.Ref);
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt.length === 2) return known(lookup, getAtt.join('.'));
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** A policy statement as IAM evaluates it: every value a plain string. */
export interface ResolvedStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[] | '*';
  Condition?: Record<string, Record<string, string[]>>;
}

interface CfnStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: CfnValue | CfnValue[] | '*';
  Condition?: Record<string, Record<string, CfnValue | CfnValue[]>>;
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

export function resolveStatements(statements: CfnStatement[], lookup: Lookup): ResolvedStatement[] {
  return statements.map((statement) => ({
    ...(statement.Sid ? { Sid: statement.Sid } : {}),
    Effect: statement.Effect,
    Action: list(statement.Action),
    Resource:
      statement.Resource === '*' ? '*' : list(statement.Resource as CfnValue[]).map((v) => resolveValue(v, lookup)),
    ...(statement.Condition
      ? {
          Condition: Object.fromEntries(
            Object.entries(statement.Condition).map(([operator, keys]) => [
              operator,
              Object.fromEntries(
                Object.entries(keys).map(([key, values]) => [key, list(values).map((v) => resolveValue(v, lookup))]),
              ),
            ]),
          ),
        }
      : {}),
  }));
}
