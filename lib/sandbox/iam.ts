// The sandbox enforces IAM: every SDK call a function makes is evaluated against that function's role, built
// by the builder that generates the template (lib/infra/iam.ts) and resolved for the world's account, with the
// evaluator the tests cross-check against an IAM policy simulator (lib/infra/evaluate.ts). A denied call fails
// as AWS fails it and is listed in the report (sandbox.accessDenied). Calls outside an invocation (the sandbox
// reading its own store for the report) are not a function's and are not judged.
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseConfig } from '../config/load';
import { evaluate, type IamRequest } from '../infra/evaluate';
import { buildRoles } from '../infra/iam';
import { DOCUMENTS, documentName, FUNCTIONS, type FunctionKey } from '../infra/names';
import { pseudoParameters, type ResolvedStatement, resolveStatements } from '../infra/resolve';
import { awsError } from './aws-errors';
import { deploymentNames, invocation, SANDBOX_STAGE } from './functions';
import { type Place, requestsFor } from './iam-requests';
import type { World } from './world';

export interface Denial {
  function: string;
  action: string;
  resource: string;
}

/** A call IAM refused: the error's name and message as the service answers it. */
export interface Refusal {
  name: string;
  message: string;
}

/**
 * The error code each service answers a denied call with: JSON-protocol services say AccessDeniedException,
 * the query-protocol ones (Auto Scaling, IAM) and S3 AccessDenied, EC2 UnauthorizedOperation (the services'
 * API references, "Common Errors").
 */
const DENIED_NAME: Record<string, string> = {
  autoscaling: 'AccessDenied',
  iam: 'AccessDenied',
  s3: 'AccessDenied',
  ec2: 'UnauthorizedOperation',
};

export class SandboxIam {
  readonly denied: Denial[] = [];
  private readonly policies: Record<FunctionKey, ResolvedStatement[]>;
  private readonly seen = new Set<string>();

  constructor(
    world: World,
    private readonly place: Place,
    /** Lets a test narrow a role to prove enforcement bites. */
    narrow: (key: FunctionKey, statements: ResolvedStatement[]) => ResolvedStatement[] = (_, s) => s,
  ) {
    const config = parseConfig({ fleets: world.fleets }, 'world.fleets');
    const roles = buildRoles(config, { service: 'gmsa-ready', stage: SANDBOX_STAGE }) as Record<
      string,
      { Properties: { Policies: { PolicyDocument: { Statement: Parameters<typeof resolveStatements>[0] } }[] } }
    >;
    const names = deploymentNames(world);
    const pseudo = pseudoParameters(world.region, world.account);
    const queueArn = (url: string) => `arn:aws:sqs:${world.region}:${world.account}:${url.split('/').pop()}`;
    const stage = { service: 'gmsa-ready', stage: SANDBOX_STAGE };
    const named: Record<string, string> = {
      // Each project document's logical id stands for its deployed name.
      ...Object.fromEntries(
        (Object.keys(DOCUMENTS) as (keyof typeof DOCUMENTS)[]).map((key) => [
          DOCUMENTS[key].id,
          documentName(stage, key),
        ]),
      ),
      'HostsTable.Arn': `arn:aws:dynamodb:${world.region}:${world.account}:table/${names.tableName}`,
      'WakeQueue.Arn': queueArn(names.queueUrls.wake),
      'DirectoryQueue.Arn': queueArn(names.queueUrls.directory),
      'IntakeFailureQueue.Arn': queueArn(`gmsa-ready-${SANDBOX_STAGE}-intake-failures`),
    };
    const lookup = (name: string) => named[name] ?? pseudo(name);
    this.policies = Object.fromEntries(
      (Object.keys(FUNCTIONS) as FunctionKey[]).map((key) => {
        const role = roles[FUNCTIONS[key].role];
        const statements = (role?.Properties.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement);
        return [key, narrow(key, resolveStatements(statements, lookup))];
      }),
    ) as Record<FunctionKey, ResolvedStatement[]>;
  }

  /**
   * Judges a call (`service:Api`, as the sandbox counts it) by the running function's role. Returns how the
   * service refuses it, or undefined when every request is allowed (or no function is running).
   */
  authorize(call: string, input: unknown): Refusal | undefined {
    const caller = invocation.getStore();
    if (!caller) return undefined;
    const requests = requestsFor(call, input, this.place);
    if (!requests) return this.refuse(caller, call, { action: call, resource: '*' });
    const refused = requests.find((request) => evaluate(this.policies[caller.key], request) === 'denied');
    return refused && this.refuse(caller, call, refused);
  }

  private refuse(caller: { key: FunctionKey; name: string }, call: string, request: IamRequest): Refusal {
    const key = `${caller.name} ${request.action} ${request.resource}`;
    if (!this.seen.has(key)) {
      this.seen.add(key);
      this.denied.push({ function: caller.name, action: request.action, resource: request.resource });
    }
    const role = FUNCTIONS[caller.key].role;
    const principal = `arn:aws:sts::${this.place.account}:assumed-role/${role}/gmsa-ready-${SANDBOX_STAGE}-${caller.name}`;
    return {
      name: DENIED_NAME[call.split(':')[0] ?? ''] ?? 'AccessDeniedException',
      // The wording AWS uses for an implicit deny by identity policies.
      message: `User: ${principal} is not authorized to perform: ${request.action} on resource: ${request.resource} because no identity-based policy allows the ${request.action} action`,
    };
  }
}

type Send = (this: DynamoDBDocumentClient, command: unknown, ...rest: unknown[]) => Promise<unknown>;

/** The DocumentClient commands the store sends, as IAM names their actions. */
const TABLE_ACTIONS: Record<string, string> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
};

/**
 * The table is dynalite, not intercepted: its calls are judged here, on their way out, by the same role.
 * Returns a function that stops judging.
 */
export function guardTable(iam: SandboxIam): () => void {
  const prototype = DynamoDBDocumentClient.prototype as unknown as { send: Send };
  const previous = prototype.send;
  const hadOwn = Object.hasOwn(prototype, 'send');
  prototype.send = async function send(command, ...rest) {
    const name = (command as { constructor: { name: string } }).constructor.name;
    const refusal = iam.authorize(`dynamodb:${TABLE_ACTIONS[name] ?? name}`, (command as { input?: unknown }).input);
    if (refusal) throw awsError(DynamoDBServiceException, refusal.name, refusal.message);
    return previous.call(this, command, ...rest);
  };
  return () => {
    if (hadOwn) prototype.send = previous;
    else delete (prototype as Partial<typeof prototype>).send;
  };
}
