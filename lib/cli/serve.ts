// A local HTTP server in front of a Lambda Function URL handler: each request becomes the payload
// format 2.0 event a function URL would deliver, and the handler's structured result becomes the
// response. Loopback only: it is for looking at the sandbox, not for serving anyone else.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';

export type FunctionUrlHandler = (event: LambdaFunctionURLEvent) => Promise<APIGatewayProxyStructuredResultV2>;

export interface LocalServer {
  /** http://127.0.0.1:PORT/ with the port actually bound (PORT 0 picks a free one). */
  url: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Function URLs join repeated headers and query parameters with commas. */
function joined(values: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

/**
 * The event for a request without a body (the status page takes none). `requestId` and `now` are the
 * caller's so the event is reproducible.
 */
export function functionUrlEvent(request: IncomingMessage, requestId: string, now: Date): LambdaFunctionURLEvent {
  const target = new URL(request.url ?? '/', `http://${HOST}`);
  const query: Record<string, string[]> = {};
  for (const [name, value] of target.searchParams) query[name] = [...(query[name] ?? []), value];
  const headers = joined(request.headers);
  const domainName = headers.host ?? HOST;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: target.pathname,
    rawQueryString: target.search.slice(1),
    headers,
    ...(target.search ? { queryStringParameters: joined(query) } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method ?? 'GET',
        path: target.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? HOST,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
}

function respond(response: ServerResponse, result: APIGatewayProxyStructuredResultV2, head: boolean): void {
  const body =
    result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  response.writeHead(result.statusCode ?? 200, {
    ...result.headers,
    ...(result.cookies?.length ? { 'set-cookie': result.cookies } : {}),
    'content-length': body.length,
  });
  response.end(head ? undefined : body);
}

export async function serveFunctionUrl(handler: FunctionUrlHandler, port: number): Promise<LocalServer> {
  let requests = 0;
  const server = createServer((request, response) => {
    const event = functionUrlEvent(request, `local-${++requests}`, new Date());
    handler(event).then(
      (result) => respond(response, result, request.method === 'HEAD'),
      (error: unknown) =>
        respond(
          response,
          { statusCode: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `${String(error)}\n` },
          false,
        ),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${bound}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A browser's keep-alive connections would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
