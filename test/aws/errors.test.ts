import { TargetNotFoundException } from '@aws-sdk/client-ecs';
import { InvocationDoesNotExist, ThrottlingException } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { classify, describeError, isAwsError } from '../../lib/aws/errors';
import { awsError } from './helpers';

describe('classify', () => {
  it.each([
    ['ThrottlingException', 'retryable'],
    ['Throttling', 'retryable'],
    ['RequestLimitExceeded', 'retryable'],
    ['TooManyRequestsException', 'retryable'],
    ['ResourceContentionFault', 'retryable'],
    ['InternalServerError', 'retryable'],
    ['ServiceUnavailable', 'retryable'],
    ['InvalidInstanceId', 'gone'],
    ['InvalidInstanceID.NotFound', 'gone'],
    ['TargetNotFoundException', 'gone'],
    ['ClusterNotFoundException', 'gone'],
    ['ParameterNotFound', 'gone'],
    ['NoSuchKey', 'gone'],
    ['ResourceNotFoundException', 'gone'],
    ['AccessDenied', 'denied'],
    ['AccessDeniedException', 'denied'],
    ['UnauthorizedOperation', 'denied'],
    ['ValidationError', 'invalid'],
    ['InvalidParameterException', 'invalid'],
    ['InvalidParameterValue', 'invalid'],
    ['InvalidParameterCombination', 'invalid'],
    ['ClientException', 'invalid'],
  ])('%s is %s', (name, kind) => {
    expect(classify(awsError(name))).toBe(kind);
  });

  it('classifies by HTTP status when the code is unknown', () => {
    expect(classify(awsError('SomethingNew', 'x', 503))).toBe('retryable');
    expect(classify(awsError('SomethingNew', 'x', 500))).toBe('retryable');
    expect(classify(awsError('SomethingNew', 'x', 429))).toBe('retryable');
    expect(classify(awsError('SomethingNew', 'x', 403))).toBe('denied');
    expect(classify(awsError('SomethingNew', 'x', 404))).toBe('gone');
    expect(classify(awsError('InvalidDocument', 'x', 400))).toBe('invalid');
  });

  it('a known name wins over the status (throttling arrives as 400)', () => {
    expect(classify(awsError('ThrottlingException', 'Rate exceeded', 400))).toBe('retryable');
  });

  it('uses the SDK exception classes', () => {
    expect(classify(new ThrottlingException({ message: 'slow down', $metadata: {}, Message: 'slow down' }))).toBe(
      'retryable',
    );
    expect(classify(new TargetNotFoundException({ message: 'no target', $metadata: {} }))).toBe('gone');
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'])(
    'network error %s is retryable',
    (code) => {
      const error = Object.assign(new Error('socket'), { code });
      expect(classify(error)).toBe('retryable');
      expect(isAwsError(error)).toBe(true);
    },
  );

  it('the SDK TimeoutError is retryable', () => {
    expect(classify(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe('retryable');
  });
});

describe('isAwsError', () => {
  it('is true for SDK errors and false for bugs', () => {
    expect(isAwsError(new InvocationDoesNotExist({ message: 'no invocation', $metadata: {} }))).toBe(true);
    expect(isAwsError(awsError('ValidationError'))).toBe(true);
    expect(isAwsError(new TypeError('x is undefined'))).toBe(false);
    expect(isAwsError('string')).toBe(false);
  });
});

describe('describeError', () => {
  it('names the error and bounds the text', () => {
    expect(describeError(awsError('ValidationError', 'bad token'))).toBe('ValidationError: bad token');
    const long = describeError(awsError('ValidationError', 'x'.repeat(2000)));
    expect(long).toHaveLength(500);
    expect(long.endsWith('…')).toBe(true);
  });
});
