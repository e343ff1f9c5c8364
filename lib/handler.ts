// Every Lambda entry is the same thin shape: middy with Powertools' logger context, metrics flush and
// tracing around one call into the engine.

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, metrics, tracer } from './telemetry';

export function lambda<E, R>(fn: (event: E, context: Context) => Promise<R>) {
  return middy(fn).use(captureLambdaHandler(tracer)).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

/** In a real Lambda container, build the runtime at cold start so a bad config fails before the first event. */
export function initAtColdStart(init: () => unknown): void {
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) init();
}
