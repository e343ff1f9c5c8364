// The simulated account as an AWS endpoint, for the built bundles (lib/sandbox/bundle-processes.ts): each bundle
// carries its own copy of the SDK, which the class-level interception (intercept.ts) cannot reach, so it is pointed
// here with AWS_ENDPOINT_URL and speaks each service's wire protocol. A request is decoded with the SDK's own
// schema for its operation, sent through the source's (intercepted) client as the function whose credentials
// signed it, so IAM, counts and chaos are intercept.ts's, and the answer is encoded back the way the service
// would. DynamoDB requests are judged by the same role, passed to dynalite and journaled (record-writes.ts).
// Compromise: an injected throttle reaching a bundle already used the attempts intercept.ts models, and the
// bundle's SDK retries it again for real.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as autoScaling from '@aws-sdk/client-auto-scaling';
import * as ec2 from '@aws-sdk/client-ec2';
import * as ecs from '@aws-sdk/client-ecs';
import * as iamClient from '@aws-sdk/client-iam';
import * as tagging from '@aws-sdk/client-resource-groups-tagging-api';
import * as s3 from '@aws-sdk/client-s3';
import * as secrets from '@aws-sdk/client-secrets-manager';
import * as sqs from '@aws-sdk/client-sqs';
import * as ssm from '@aws-sdk/client-ssm';
import { XmlShapeSerializer } from '@aws-sdk/core/protocols';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { NormalizedSchema } from '@smithy/core/schema';
import type { FunctionKey } from '../infra/names';
import { accessKeyFor, type FunctionName, invocation, KEYS } from './functions';
import type { SandboxIam } from './iam';
import type { Journal } from './model/journal';
import { journalPut } from './record-writes';

// biome-ignore lint/suspicious/noExplicitAny: the SDK's protocol objects and schemas are typed per service.
type Any = any;
type ClientClass = new (config: object) => { send(command: unknown): Promise<unknown>; config: { protocol: Any } };

/** Each service by its SigV4 signing name: the SDK module whose clients intercept.ts mocks. */
const SERVICES: Record<string, { module: Record<string, unknown>; client: ClientClass }> = {
  autoscaling: { module: autoScaling, client: autoScaling.AutoScalingClient as unknown as ClientClass },
  ec2: { module: ec2, client: ec2.EC2Client as unknown as ClientClass },
  ecs: { module: ecs, client: ecs.ECSClient as unknown as ClientClass },
  iam: { module: iamClient, client: iamClient.IAMClient as unknown as ClientClass },
  tagging: { module: tagging, client: tagging.ResourceGroupsTaggingAPIClient as unknown as ClientClass },
  s3: { module: s3, client: s3.S3Client as unknown as ClientClass },
  secretsmanager: { module: secrets, client: secrets.SecretsManagerClient as unknown as ClientClass },
  sqs: { module: sqs, client: sqs.SQSClient as unknown as ClientClass },
  ssm: { module: ssm, client: ssm.SSMClient as unknown as ClientClass },
};

type Protocol = 'json' | 'query' | 'ec2' | 'restXml';
const PROTOCOLS: Record<string, Protocol> = {
  'aws.protocols#awsJson1_0': 'json',
  'aws.protocols#awsJson1_1': 'json',
  'aws.protocols#awsQuery': 'query',
  'aws.protocols#ec2Query': 'ec2',
  'aws.protocols#restXml': 'restXml',
};

/** A SigV4 Authorization header's access key and service (`Credential=KEY/date/region/service/aws4_request`). */
const CREDENTIAL = /Credential=([^/]+)\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

interface WireError {
  name: string;
  message: string;
  status: number;
}

export interface WireOptions {
  iam: SandboxIam;
  journal: Journal;
  now: () => number;
  /** dynalite's endpoint: the table's requests go there once judged. */
  dynamo: string;
  region: string;
}

export class Wire {
  private readonly clients = new Map<string, { client: InstanceType<ClientClass>; protocol: Any }>();
  private requests = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: WireOptions,
  ) {}

  static async start(options: WireOptions): Promise<Wire> {
    let wire: Wire | undefined;
    const server = createServer((request, response) => {
      void wire?.serve(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    wire = new Wire(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, options);
    return wire;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let answer: Answer;
    try {
      answer = await this.answer(request, Buffer.concat(await request.toArray()));
    } catch (error) {
      answer = text(500, `sandbox wire: ${(error as Error).message}`);
    }
    response.writeHead(answer.status, { ...answer.headers, 'x-amzn-requestid': `sandbox-wire-${++this.requests}` });
    response.end(answer.body);
  }

  private async answer(request: IncomingMessage, body: Buffer): Promise<Answer> {
    const [, accessKey = '', service = ''] = CREDENTIAL.exec(request.headers.authorization ?? '') ?? [];
    const name = (Object.keys(KEYS) as FunctionName[]).find((n) => accessKeyFor(n) === accessKey);
    if (!name) return text(403, `not signed by a sandbox function (access key ${JSON.stringify(accessKey)})`);
    const caller = { key: KEYS[name] as FunctionKey, name };
    if (service === 'dynamodb') return this.table(request, body, caller);
    const spec = SERVICES[service];
    if (!spec) return text(400, `the sandbox does not model the service ${JSON.stringify(service)}`);
    const { client, protocol } = this.clientFor(service, spec.client);
    const kind = PROTOCOLS[protocol.getShapeId()];
    if (!kind) return text(400, `unknown protocol ${protocol.getShapeId()}`);
    const operation = operationOf(kind, request, body);
    const Command = spec.module[`${operation}Command`] as (new (input: object) => { schema: Any[] }) | undefined;
    if (!Command) return text(400, `${service} has no operation ${JSON.stringify(operation)}`);
    const schema = new Command({}).schema;
    const input = (await decodeInput(kind, protocol, schema, request, body)) as Record<string, unknown>;
    // The SDK sends SQS calls to the QueueUrl's host: the bundles get queue URLs on this endpoint (bundleEnv),
    // which stand for the deployed ones.
    if (service === 'sqs' && typeof input.QueueUrl === 'string')
      input.QueueUrl = deployedQueueUrl(input.QueueUrl, this.options.region);
    try {
      const output = await invocation.run(caller, () => client.send(new Command(input as object)));
      return await encodeOutput(kind, protocol, schema, operation, output);
    } catch (error) {
      return encodeError(kind, asWireError(error));
    }
  }

  private clientFor(service: string, Client: ClientClass) {
    let entry = this.clients.get(service);
    if (!entry) {
      const client = new Client({
        region: this.options.region,
        credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
      });
      entry = { client, protocol: client.config.protocol };
      this.clients.set(service, entry);
    }
    return entry;
  }

  /** The records table: judged by the caller's role (as guardTable judges the source's), then dynalite answers. */
  private async table(request: IncomingMessage, body: Buffer, caller: { key: FunctionKey; name: FunctionName }) {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const input = JSON.parse(body.toString('utf8') || '{}') as Record<string, Any>;
    const refusal = invocation.run(caller, () => this.options.iam.authorize(`dynamodb:${operation}`, input));
    if (refusal) return encodeError('json', { name: refusal.name, message: refusal.message, status: 400 });
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.headers))
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(key)) headers[key] = value;
    const answer = await fetch(this.options.dynamo, { method: 'POST', headers, body });
    const out: Record<string, string> = {};
    answer.headers.forEach((value, key) => {
      if (!['content-length', 'connection', 'transfer-encoding', 'date', 'keep-alive'].includes(key)) out[key] = value;
    });
    if (answer.ok && operation === 'PutItem' && input.Item)
      journalPut(this.options.journal, this.options.now(), unmarshall(input.Item));
    return { status: answer.status, headers: out, body: Buffer.from(await answer.arrayBuffer()) };
  }
}

/** A queue URL on this endpoint as the deployed queue's URL (`https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`). */
export function deployedQueueUrl(url: string, region: string): string {
  return `https://sqs.${region}.amazonaws.com${new URL(url).pathname}`;
}

function text(status: number, message: string): Answer {
  return { status, headers: { 'content-type': 'text/plain' }, body: message };
}

function operationOf(kind: Protocol, request: IncomingMessage, body: Buffer): string {
  if (kind === 'json') return String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
  if (kind === 'restXml') return request.method === 'GET' ? 'GetObject' : `${request.method} ${request.url}`;
  return new URLSearchParams(body.toString('utf8')).get('Action') ?? '';
}

async function decodeInput(
  kind: Protocol,
  protocol: Any,
  schema: Any[],
  request: IncomingMessage,
  body: Buffer,
): Promise<unknown> {
  const inputSchema = NormalizedSchema.of(schema[4]);
  if (kind === 'json') return await protocol.deserializer.read(inputSchema, body.toString('utf8') || '{}');
  if (kind === 'restXml') {
    // S3 with an IP endpoint addresses objects path-style: /bucket/key (the only S3 call modelled is GetObject).
    const [bucket = '', ...key] = new URL(request.url ?? '/', 'http://sandbox').pathname.slice(1).split('/');
    return { Bucket: decodeURIComponent(bucket), Key: key.map(decodeURIComponent).join('/') };
  }
  return readQuery(inputSchema, new URLSearchParams(body.toString('utf8')), '', kind === 'ec2');
}

/**
 * The inverse of the SDK's QueryShapeSerializer (@aws-sdk/core/protocols): awsQuery names lists
 * `Name.member.N`, ec2Query `Name.N` with capitalized (or ec2QueryName) keys.
 */
function readQuery(ns: NormalizedSchema, params: URLSearchParams, key: string, ec2Style: boolean): unknown {
  const present = (prefix: string) => [...params.keys()].some((k) => k === prefix || k.startsWith(`${prefix}.`));
  if (ns.isListSchema()) {
    const member = ns.getValueSchema();
    const traits = member.getMergedTraits() as QueryTraits;
    const flat = ec2Style || ns.getMergedTraits().xmlFlattened;
    const base = flat ? key : `${key}.${(ec2Style && traits.ec2QueryName) || traits.xmlName || 'member'}`;
    const items: unknown[] = [];
    for (let i = 1; present(`${base}.${i}`); i++) items.push(readQuery(member, params, `${base}.${i}`, ec2Style));
    return items.length > 0 || params.has(key) ? items : undefined;
  }
  if (ns.isStructSchema()) {
    const out: Record<string, unknown> = {};
    for (const [name, member] of ns.structIterator()) {
      const traits = member.getMergedTraits() as QueryTraits;
      const part = ec2Style ? (traits.ec2QueryName ?? capitalize(traits.xmlName ?? name)) : (traits.xmlName ?? name);
      const value = readQuery(member, params, key ? `${key}.${part}` : part, ec2Style);
      if (value !== undefined) out[name] = value;
    }
    return key && Object.keys(out).length === 0 ? undefined : out;
  }
  const raw = params.get(key);
  if (raw === null) return undefined;
  if (ns.isNumericSchema()) return Number(raw);
  if (ns.isBooleanSchema()) return raw === 'true';
  if (ns.isTimestampSchema()) return new Date(raw);
  return raw;
}

interface QueryTraits {
  xmlName?: string;
  ec2QueryName?: string;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

async function encodeOutput(
  kind: Protocol,
  protocol: Any,
  schema: Any[],
  operation: string,
  output: unknown,
): Promise<Answer> {
  const outputSchema = NormalizedSchema.of(schema[5]);
  const value = (output ?? {}) as Record<string, Any>;
  if (kind === 'json') {
    protocol.serializer.write(outputSchema, value);
    return {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: protocol.serializer.flush(),
    };
  }
  if (kind === 'restXml') {
    const bytes = Buffer.from(await value.Body.transformToByteArray());
    return { status: 200, headers: { 'content-type': value.ContentType ?? 'application/octet-stream' }, body: bytes };
  }
  const namespace = protocol.options.xmlNamespace;
  const inner = outputSchema.isUnitSchema() ? '' : xmlMembers(outputSchema, value);
  const body =
    kind === 'query'
      ? `<${operation}Response xmlns="${namespace}"><${operation}Result>${inner}</${operation}Result></${operation}Response>`
      : `<${operation}Response xmlns="${namespace}"><requestId>sandbox</requestId>${inner}</${operation}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body };
}

/** A structure's members as XML, by the SDK's XmlShapeSerializer (the element names its deserializer reads). */
function xmlMembers(schema: NormalizedSchema, value: object): string {
  const serializer = new XmlShapeSerializer({
    timestampFormat: { useTrait: true, default: 5 },
    httpBindings: false,
    serviceNamespace: '',
  } as ConstructorParameters<typeof XmlShapeSerializer>[0]);
  serializer.write(schema, value);
  const xml = String(serializer.flush());
  // Drop the structure's own element: the response and result elements wrap its members.
  return /^<([^\s/>]+)[^>]*?(?:\/>|>([\s\S]*)<\/\1>)$/.exec(xml)?.[2] ?? '';
}

function asWireError(error: unknown): WireError {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; $fault?: string };
  const status = e.$metadata?.httpStatusCode ?? (e.$fault === 'server' ? 500 : 400);
  return { name: e.name ?? 'InternalFailure', message: e.message ?? String(error), status };
}

const ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };
const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => ENTITIES[c] ?? c);

function encodeError(kind: Protocol, error: WireError): Answer {
  const { name, status } = error;
  const message = escapeXml(error.message);
  if (kind === 'json')
    return {
      status,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': name },
      body: JSON.stringify({ __type: name, message: error.message }),
    };
  const xml =
    kind === 'query'
      ? `<ErrorResponse><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${name}</Code><Message>${message}</Message></Error><RequestId>sandbox</RequestId></ErrorResponse>`
      : kind === 'ec2'
        ? `<Response><Errors><Error><Code>${name}</Code><Message>${message}</Message></Error></Errors><RequestID>sandbox</RequestID></Response>`
        : `<Error><Code>${name}</Code><Message>${message}</Message><RequestId>sandbox</RequestId></Error>`;
  // S3 answers a missing key with 404 (GetObject API reference).
  return {
    status: kind === 'restXml' && name === 'NoSuchKey' ? 404 : status,
    headers: { 'content-type': 'text/xml' },
    body: xml,
  };
}
