// Every Lambda entry is the same thin shape: middy with Powertools' logger context and tracing around one
// call into the engine (the status page: one read of the store). Metrics are single EMF blobs written as they happen (lib/telemetry.ts), so there is
// no buffer for logMetrics to flush.

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, tracer } from './telemetry';

export function lambda<E, R>(fn: (event: E, context: Context) => Promise<R>) {
  return middy(fn).use(captureLambdaHandler(tracer)).use(injectLambdaContext(logger));
}

/** In a real Lambda container, build the runtime at cold start so a bad config fails before the first event. */
export function initAtColdStart(init: () => unknown): void {
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) init();
}
