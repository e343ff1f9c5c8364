// Test helpers: what a mocked client was sent, and SDK-shaped errors.
import type { AwsStub } from 'aws-sdk-client-mock';

/** Every command a mocked client received, in order, as [command class, input]: exact, and nothing else sent. */
// biome-ignore lint/suspicious/noExplicitAny: any client's stub
export function sent(mock: AwsStub<any, any, any>): [unknown, unknown][] {
  return mock.calls().map((call) => {
    const command = call.args[0] as { constructor: unknown; input: unknown };
    return [command.constructor, command.input];
  });
}

/** An error as the SDK throws it for a service error code the client has no class for. */
export function awsError(name: string, message = name, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
  });
}

export const AT = 1_750_000_000;
