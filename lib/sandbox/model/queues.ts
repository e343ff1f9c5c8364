// Amazon SQS and its Lambda event source mappings: each message becomes visible after its DelaySeconds; a
// queue's mapping gathers visible messages until its batch is full or its batching window elapses, whichever
// comes first, and invokes the function with them (wake and directory: 50 or 1 s). Failed messages
// come back after the visibility timeout, then go to a DLQ.
// Sources: AWS docs, not aws-facts: SQS SendMessage (DelaySeconds 0-900), "Using Lambda with Amazon SQS"
// (BatchSize, MaximumBatchingWindowInSeconds: "Lambda waits for up to [the window] to gather records before
// invoking"; a batch size over 10 needs a window of at least 1 s; ReportBatchItemFailures: a handler error
// fails the whole batch) and SQS dead-letter queues (maxReceiveCount). Compromises: one poller gathers every
// batch, so batches are as full as the window allows (Lambda's pollers may split them), and
// timings.sqsVisibility is 30 s where serverless.yml deploys 360 s and 720 s, to keep runs short.
import { createHash } from 'node:crypto';
import {
  QueueDoesNotExist,
  type SendMessageBatchCommandInput,
  type SendMessageCommandInput,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { awsError } from '../aws-errors';
import { type QueuedMessage, sqsEvent } from '../events';
import { timings } from '../timings';
import type { QueuesContext } from './context';

type QueueName = 'wake' | 'directory';

/**
 * SQS answers each sent message with the MD5 digest of its body, hex (SendMessage API reference), and the SDK
 * refuses an answer whose digest does not match (@aws-sdk/middleware-sdk-sqs): the built bundles check it.
 */
const md5 = (body: string) => createHash('md5').update(body, 'utf8').digest('hex');

const MAX_BATCH_ENTRIES = 10;

/** Each queue's event source mapping: the most messages an invocation gets and how long it waits to fill up. */
const MAPPINGS: Record<QueueName, { batchSize: number; window: number }> = {
  wake: { batchSize: timings.wakeBatchSize, window: timings.wakeBatchWindow },
  directory: { batchSize: timings.directoryBatchSize, window: timings.directoryBatchWindow },
};

export class Queues {
  /** Messages that exhausted their receives, by queue. */
  readonly deadLetters: Record<QueueName, QueuedMessage[]> = { wake: [], directory: [] };
  private readonly visibleMessages: Record<QueueName, QueuedMessage[]> = { wake: [], directory: [] };
  /** Cancels a queue's open batching window; absent while none is open. */
  private readonly closeWindow: Partial<Record<QueueName, () => void>> = {};
  private readonly byUrl: Map<string, QueueName>;

  constructor(private readonly ctx: QueuesContext) {
    this.byUrl = new Map([
      [ctx.urls.wake, 'wake'],
      [ctx.urls.directory, 'directory'],
    ]);
  }

  sendMessage(input: SendMessageCommandInput) {
    const queue = this.queue(input.QueueUrl);
    const message = this.enqueue(queue, input.MessageBody ?? '', input.DelaySeconds ?? 0);
    return { MessageId: message.messageId, MD5OfMessageBody: md5(input.MessageBody ?? '') };
  }

  /** Up to 10 entries per call, else TooManyEntriesInBatchRequest (SQS API reference, SendMessageBatch). */
  sendMessageBatch(input: SendMessageBatchCommandInput) {
    const queue = this.queue(input.QueueUrl);
    if ((input.Entries ?? []).length > MAX_BATCH_ENTRIES)
      throw awsError(
        TooManyEntriesInBatchRequest,
        'TooManyEntriesInBatchRequest',
        `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}.`,
      );
    const successful = (input.Entries ?? []).map((entry) => {
      const message = this.enqueue(queue, entry.MessageBody ?? '', entry.DelaySeconds ?? 0);
      return { Id: entry.Id, MessageId: message.messageId, MD5OfMessageBody: md5(entry.MessageBody ?? '') };
    });
    return { Successful: successful, Failed: [] };
  }

  private queue(url: string | undefined): QueueName {
    const queue = this.byUrl.get(url ?? '');
    if (!queue) throw awsError(QueueDoesNotExist, 'QueueDoesNotExist', 'The specified queue does not exist.');
    return queue;
  }

  private enqueue(queue: QueueName, body: string, delaySeconds: number): QueuedMessage {
    const message: QueuedMessage = {
      messageId: this.ctx.random.uuid(),
      body,
      sentAt: this.ctx.clock.now(),
      receiveCount: 0,
    };
    // SQS caps DelaySeconds at 900 (it refuses more; the model clamps).
    this.ctx.clock.after(Math.min(delaySeconds, 900), `${queue} message visible`, () => this.visible(queue, message));
    return message;
  }

  private visible(queue: QueueName, message: QueuedMessage): Promise<void> | undefined {
    const visible = this.visibleMessages[queue];
    const { batchSize, window } = MAPPINGS[queue];
    visible.push(message);
    // A full batch is delivered at once, without waiting out the window (found by the burst benchmark:
    // waiting made 1000 hosts cost 24 GroupChange commands each way instead of 20).
    if (visible.length >= batchSize) {
      this.closeWindow[queue]?.();
      delete this.closeWindow[queue];
      return this.deliver(queue, visible.splice(0, batchSize));
    }
    this.closeWindow[queue] ??= this.ctx.clock.after(window, `${queue} batch`, () => this.flush(queue));
    return undefined;
  }

  private async flush(queue: QueueName): Promise<void> {
    delete this.closeWindow[queue];
    const visible = this.visibleMessages[queue];
    while (visible.length > 0) await this.deliver(queue, visible.splice(0, MAPPINGS[queue].batchSize));
  }

  private async deliver(queue: QueueName, messages: QueuedMessage[]): Promise<void> {
    const { ctx } = this;
    for (const message of messages) message.receiveCount++;
    const arn = `arn:aws:sqs:${ctx.place.region}:${ctx.place.account}:gmsa-ready-${queue}`;
    const event = sqsEvent(
      { account: ctx.place.account, region: ctx.place.region, at: ctx.clock.now() },
      arn,
      messages,
    );
    let failed: Set<string>;
    try {
      failed = new Set(await (queue === 'wake' ? ctx.targets.wake(event) : ctx.targets.directory(event)));
    } catch {
      failed = new Set(messages.map((m) => m.messageId));
    }
    for (const message of messages.filter((m) => failed.has(m.messageId))) {
      if (message.receiveCount >= timings.sqsMaxReceives) {
        this.deadLetters[queue].push(message);
        ctx.observe(undefined, queue, `message ${message.messageId} moved to the dead-letter queue`);
      } else ctx.clock.after(timings.sqsVisibility, `${queue} message retry`, () => this.visible(queue, message));
    }
  }
}
