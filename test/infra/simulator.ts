// One IAM decision by @cloud-copilot/iam-simulate (AGPL-3.0, test-only): an identity policy, one request.
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { IamRequest } from '../../lib/infra/evaluate';
import type { ResolvedStatement } from '../../lib/infra/resolve';
import { ACCOUNT } from './policies';

export type Decision = 'allowed' | 'denied';

const AWS_OWNED_DOCUMENT = /^arn:aws:ssm:[a-z0-9-]+::document\//;

/** The simulator's decision. It validates the action, the resource type and the context keys of each request. */
export async function simulateRequest(
  statements: ResolvedStatement[],
  request: IamRequest,
  principal: string,
): Promise<Decision> {
  const simulation: Simulation = {
    identityPolicies: [{ name: 'role', policy: { Version: '2012-10-17', Statement: statements } }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      action: request.action,
      principal,
      resource: { resource: request.resource, accountId: ACCOUNT },
      contextVariables: request.context ?? {},
    },
  };
  // iam-data's document ARN format requires an account, which AWS-owned documents lack (aws-facts.md #20):
  // its validation cannot take those (the join document), so they alone are evaluated without validation.
  if (AWS_OWNED_DOCUMENT.test(request.resource))
    return runUnsafeSimulation(simulation, {}) === 'Allowed' ? 'allowed' : 'denied';
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error')
    throw new Error(`${request.action} ${request.resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult === 'Allowed' ? 'allowed' : 'denied';
}
