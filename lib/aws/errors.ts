// Classifies AWS SDK (and network) errors into the four kinds the workflow core reasons about.
import type { ErrorKind } from '../workflow/types';

const RETRYABLE = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'TooManyRequestsException',
  'ResourceContentionFault',
  'InternalServerError',
  'InternalServiceException',
  'InternalFailure',
  'ServerException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const GONE = new Set([
  'InvalidInstanceId',
  'InvalidInstanceID.NotFound',
  'TargetNotFoundException',
  'ClusterNotFoundException',
  'ParameterNotFound',
  'NoSuchKey',
  'ResourceNotFoundException',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const INVALID = new Set(['ValidationError', 'ClientException']);
/** Node socket errors: the request may never have reached AWS. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const shape = (error: unknown): SdkErrorShape => (typeof error === 'object' && error !== null ? error : {});

export function errorName(error: unknown): string {
  const { name } = shape(error);
  return typeof name === 'string' ? name : 'Error';
}

/** True for errors the SDK produced (service or network), false for bugs in our own code. */
export function isAwsError(error: unknown): boolean {
  const e = shape(error);
  if (e.$metadata !== undefined || e.$fault !== undefined) return true;
  const name = errorName(error);
  return RETRYABLE.has(name) || (typeof e.code === 'string' && NETWORK_CODES.has(e.code));
}

export function classify(error: unknown): ErrorKind {
  const e = shape(error);
  const name = errorName(error);
  const status = e.$metadata?.httpStatusCode ?? 0;
  if (RETRYABLE.has(name)) return 'retryable';
  if (GONE.has(name)) return 'gone';
  if (DENIED.has(name)) return 'denied';
  if (INVALID.has(name) || name.startsWith('InvalidParameter')) return 'invalid';
  if (status === 429 || status >= 500 || e.$fault === 'server') return 'retryable';
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return 'retryable';
  if (status === 403) return 'denied';
  if (status === 404) return 'gone';
  if (e.$fault === 'client' || (status >= 400 && status < 500)) return 'invalid';
  return 'retryable';
}

const MAX_MESSAGE = 500;

/** `Name: message`, bounded. Built from the error only: request inputs (SendCommand parameters) never get in. */
export function describeError(error: unknown): string {
  const { message } = shape(error);
  const text = `${errorName(error)}: ${typeof message === 'string' ? message : String(error)}`;
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

export function hasName(error: unknown, name: string): boolean {
  return errorName(error) === name;
}
