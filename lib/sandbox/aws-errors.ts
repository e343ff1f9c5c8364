// Errors the simulated account throws, shaped exactly like the SDK's own (name, $fault, $metadata,
// message, instanceof the service's exception class), so the shell's error classification sees no difference.

export interface SdkErrorOptions {
  name: string;
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode: number; requestId: string; attempts: number; totalRetryDelay: number };
  message: string;
}

/** A service's base exception class, or one of its modelled exceptions (which set their own name). */
type ExceptionClass = new (options: SdkErrorOptions) => Error;

let requests = 0;

export function awsError(
  base: ExceptionClass,
  name: string,
  message: string,
  fault: 'client' | 'server' = 'client',
): Error {
  const httpStatusCode = name === 'ThrottlingException' ? 400 : fault === 'server' ? 500 : 400;
  const error = new base({
    name,
    $fault: fault,
    $metadata: { httpStatusCode, requestId: `sandbox-${++requests}`, attempts: 1, totalRetryDelay: 0 },
    message,
  });
  // The SDK's deserializer copies the wire error code into `Code` as well; some callers read it.
  Object.assign(error, { Code: name });
  return error;
}
