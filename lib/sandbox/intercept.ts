// Routes every SDK call the shell makes into the simulated account. Clients are mocked at class
// level, so every instance the handlers build (at any cold start) is covered; DynamoDB is left alone
// (it talks to dynalite; its host record writes are only journaled). Every call, DynamoDB's included, is
// first judged by the calling function's IAM role (lib/sandbox/iam.ts). A call the model does not know fails
// loudly instead of returning nothing.

import {
  AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingInstancesCommand,
  RecordLifecycleActionHeartbeatCommand,
} from '@aws-sdk/client-auto-scaling';
import { CreateTagsCommand, DescribeInstancesCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import {
  DeleteAttributesCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ECSServiceException,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  PutAttributesCommand,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import { IAMClient, IAMServiceException, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import {
  ResourceGroupsTaggingAPIClient,
  ResourceGroupsTaggingAPIServiceException,
  TagResourcesCommand,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient, SQSServiceException } from '@aws-sdk/client-sqs';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  ListCommandsCommand,
  SendCommandCommand,
  SSMClient,
  SSMServiceException,
} from '@aws-sdk/client-ssm';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import { clientConfig } from '../aws/client-config';
import { awsError, type SdkErrorOptions } from './aws-errors';
import { guardTable, type SandboxIam } from './iam';
import type { Account } from './model/account';
import type { Quotas } from './quotas';
import { journalRecordWrites } from './record-writes';

type Base = new (options: SdkErrorOptions) => Error;
// biome-ignore lint/suspicious/noExplicitAny: the mock library's stub types are generic over each client.
type Stub = AwsStub<any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: command classes differ per service.
type CommandClass = new (input: any) => any;

/** Mocks the clients, each call judged by the calling function's role first; returns a function that restores them. */
export function interceptAws(account: Account, iam: SandboxIam, quotas?: Quotas): () => void {
  const stubs: Stub[] = [];
  const service = (client: Parameters<typeof mockClient>[0], base: Base, prefix: string) => {
    const stub = mockClient(client) as Stub;
    stubs.push(stub);
    stub.onAnyCommand().callsFake(() => {
      throw awsError(base, 'UnsupportedOperation', `the sandbox does not model this ${prefix} call`);
    });
    return <C extends CommandClass>(
      command: C,
      api: string,
      answer: (input: ConstructorParameters<C>[0]) => unknown,
    ) => {
      stub.on(command).callsFake(async (input: ConstructorParameters<C>[0]) => {
        account.count(`${prefix}:${api}`);
        const refusal = iam.authorize(`${prefix}:${api}`, input);
        if (refusal) throw awsError(base, refusal.name, refusal.message);
        // Over the API's rate quota after every attempt the client makes (lib/sandbox/quotas.ts).
        const throttle = quotas?.admit(`${prefix}:${api}`, account.now());
        if (throttle) throw awsError(base, throttle.name, `${throttle.message} (${prefix}:${api})`);
        // The mock replaces the client's send, so the SDK's own retries (adaptive mode, clientConfig.maxAttempts)
        // are modelled here: an injected throttle or server error reaches the caller only when every attempt got one.
        for (let attempt = 1; ; attempt++) {
          const injected = account.chaos?.failure(`${prefix}:${api}`);
          if (!injected) break;
          if (attempt >= clientConfig.maxAttempts)
            throw awsError(base, injected.name, injected.message, injected.fault);
        }
        return answer(input);
      });
    };
  };

  const { ssm, ecs, hooks, queues, ec2, storage } = account;
  const ssmCall = service(SSMClient, SSMServiceException, 'ssm');
  ssmCall(DescribeInstanceInformationCommand, 'DescribeInstanceInformation', (i) =>
    ssm.describeInstanceInformation(i ?? {}),
  );
  ssmCall(SendCommandCommand, 'SendCommand', (i) => ssm.sendCommand(i));
  ssmCall(GetCommandInvocationCommand, 'GetCommandInvocation', (i) => ssm.getCommandInvocation(i));
  ssmCall(ListCommandsCommand, 'ListCommands', (i) => ssm.listCommands(i ?? {}));
  ssmCall(GetParameterCommand, 'GetParameter', (i) => ssm.getParameter(i));
  const ecsCall = service(ECSClient, ECSServiceException, 'ecs');
  ecsCall(ListContainerInstancesCommand, 'ListContainerInstances', (i) => ecs.listContainerInstances(i ?? {}));
  ecsCall(DescribeContainerInstancesCommand, 'DescribeContainerInstances', (i) => ecs.describeContainerInstances(i));
  ecsCall(PutAttributesCommand, 'PutAttributes', (i) => ecs.putAttributes(i));
  ecsCall(DeleteAttributesCommand, 'DeleteAttributes', (i) => ecs.deleteAttributes(i));
  ecsCall(UpdateContainerInstancesStateCommand, 'UpdateContainerInstancesState', (i) =>
    ecs.updateContainerInstancesState(i),
  );
  // No tasks or services run in the sandbox.
  ecsCall(ListTasksCommand, 'ListTasks', () => ({ taskArns: [] }));
  ecsCall(DescribeTasksCommand, 'DescribeTasks', () => ({ tasks: [], failures: [] }));
  ecsCall(ListServicesCommand, 'ListServices', () => ({ serviceArns: [] }));
  ecsCall(DescribeServicesCommand, 'DescribeServices', () => ({ services: [], failures: [] }));
  ecsCall(DescribeTaskDefinitionCommand, 'DescribeTaskDefinition', () => {
    throw awsError(ECSServiceException, 'ClientException', 'Unable to describe task definition.');
  });
  const autoScalingCall = service(AutoScalingClient, AutoScalingServiceException, 'autoscaling');
  autoScalingCall(CompleteLifecycleActionCommand, 'CompleteLifecycleAction', (i) => hooks.complete(i));
  autoScalingCall(RecordLifecycleActionHeartbeatCommand, 'RecordLifecycleActionHeartbeat', (i) => hooks.heartbeat(i));
  autoScalingCall(DescribeAutoScalingInstancesCommand, 'DescribeAutoScalingInstances', (i) =>
    hooks.describeInstances(i ?? {}),
  );
  const sqsCall = service(SQSClient, SQSServiceException, 'sqs');
  sqsCall(SendMessageCommand, 'SendMessage', (i) => queues.sendMessage(i));
  sqsCall(SendMessageBatchCommand, 'SendMessageBatch', (i) => queues.sendMessageBatch(i));
  const taggingCall = service(ResourceGroupsTaggingAPIClient, ResourceGroupsTaggingAPIServiceException, 'tagging');
  taggingCall(TagResourcesCommand, 'TagResources', (i) => ec2.tagResources(i));
  const ec2Call = service(EC2Client, EC2ServiceException, 'ec2');
  ec2Call(DescribeInstancesCommand, 'DescribeInstances', (i) => ec2.describeInstances(i ?? {}));
  ec2Call(CreateTagsCommand, 'CreateTags', (i) => ec2.createTags(i));
  const s3Call = service(S3Client, S3ServiceException, 's3');
  s3Call(GetObjectCommand, 'GetObject', (i) => storage.getObject(i));
  const secretsCall = service(SecretsManagerClient, SecretsManagerServiceException, 'secretsmanager');
  secretsCall(DescribeSecretCommand, 'DescribeSecret', (i) => storage.describeSecret(i));
  secretsCall(GetSecretValueCommand, 'GetSecretValue', (i) => storage.getSecretValue(i));
  // The task execution role may read what the world lists: the sandbox models only gmsa-ready's own roles.
  const iamCall = service(IAMClient, IAMServiceException, 'iam');
  iamCall(SimulatePrincipalPolicyCommand, 'SimulatePrincipalPolicy', () => ({
    EvaluationResults: [{ EvalActionName: 's3:GetObject', EvalDecision: 'allowed' }],
  }));

  const unwatch = journalRecordWrites(account.journal, () => account.now());
  const unguard = guardTable(iam);
  return () => {
    unguard();
    unwatch();
    for (const stub of stubs) stub.restore();
  };
}
