// Event files for replay: each holds one EventBridge event or an array of them. Anything unreadable
// is a usage error naming the file; what the events say is for the intake functions to judge.
import { readFileSync } from 'node:fs';
import { UsageError } from './io';

export interface RecordedEvent {
  /** `file#index`, as the report's `rejected[].source` names it. */
  source: string;
  event: unknown;
}

export function readEventFiles(paths: string[]): RecordedEvent[] {
  if (paths.length === 0) throw new UsageError('no EVENT_FILE given');
  return paths.flatMap((path) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new UsageError(
        `cannot read event file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
    }
    const events = Array.isArray(value) ? value : [value];
    if (events.length === 0) throw new UsageError(`${path} holds no events`);
    events.forEach((event, i) => {
      if (typeof event !== 'object' || event === null || Array.isArray(event))
        throw new UsageError(`${path}#${i} is not an EventBridge event (a JSON object)`);
    });
    return events.map((event, i) => ({ source: `${path}#${i}`, event }));
  });
}
