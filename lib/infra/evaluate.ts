// A small IAM evaluator for the identity-policy shapes lib/infra/iam.ts generates: Allow statements with exact
// actions, ARN patterns (* and ?) or "*", and StringEquals/StringLike/ArnEquals/ArnLike conditions. Anything
// else is refused, not guessed. The sandbox enforces the roles with it (the CLI path cannot use the AGPL
// simulator); test/infra/iam-simulate.test.ts checks it agrees with @cloud-copilot/iam-simulate case by case.
// Semantics from the IAM User Guide's policy evaluation logic and condition operator pages: an action is allowed
// when some Allow statement matches it and no Deny does; a missing condition key makes its condition false;
// several values of one key are ORed, several keys and operators ANDed.
import type { ResolvedStatement } from './resolve';

/** One authorization: IAM authorizes each resource of a multi-resource call separately (aws-facts.md #19). */
export interface IamRequest {
  action: string;
  /** The resource ARN, or "*" for actions without resource-level permissions. */
  resource: string;
  context?: Record<string, string>;
}

const OPERATORS = new Set(['StringEquals', 'StringLike', 'ArnEquals', 'ArnLike']);

const compiled = new Map<string, RegExp>();

/** `*` any run of characters, `?` any one character; everything else literal (case-sensitive). */
function wildcard(pattern: string, value: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    regex = new RegExp(`^${source}$`, 's');
    compiled.set(pattern, regex);
  }
  return regex.test(value);
}

/** ARN matching: the first five segments one by one, the resource part (which may hold colons) as a whole. */
function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const p = pattern.split(':');
  const a = arn.split(':');
  if (p.length < 6 || a.length < 6) return pattern === arn;
  for (let i = 0; i < 5; i++) if (!wildcard(p[i] ?? '', a[i] ?? '')) return false;
  return wildcard(p.slice(5).join(':'), a.slice(5).join(':'));
}

function conditionHolds(operator: string, expected: string[], actual: string | undefined): boolean {
  if (actual === undefined) return false;
  if (operator === 'StringEquals') return expected.includes(actual);
  if (operator === 'StringLike') return expected.some((pattern) => wildcard(pattern, actual));
  return expected.some((pattern) => arnMatches(pattern, actual));
}

function statementMatches(statement: ResolvedStatement, request: IamRequest): boolean {
  if (!statement.Action.includes(request.action)) return false;
  if (statement.Resource !== '*' && !statement.Resource.some((pattern) => arnMatches(pattern, request.resource)))
    return false;
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    if (!OPERATORS.has(operator)) throw new Error(`unsupported condition operator ${operator}`);
    for (const [key, values] of Object.entries(keys))
      if (!conditionHolds(operator, values, request.context?.[key])) return false;
  }
  return true;
}

/** 'allowed' or 'denied', as IAM decides for an identity policy alone (no SCPs, boundaries or resource policies). */
export function evaluate(statements: ResolvedStatement[], request: IamRequest): 'allowed' | 'denied' {
  for (const statement of statements)
    for (const action of statement.Action)
      if (action.includes('*')) throw new Error(`unsupported wildcard action ${action}`);
  const matching = statements.filter((statement) => statementMatches(statement, request));
  if (matching.some((statement) => statement.Effect === 'Deny')) return 'denied';
  return matching.some((statement) => statement.Effect === 'Allow') ? 'allowed' : 'denied';
}
