// Event files for replay: each holds one EventBridge event or an array of them. Anything unreadable
// is a usage error naming the file; what the events say is for the intake functions to judge.
import { readInputJson } from '../files';
import { UsageError } from './io';

export interface RecordedEvent {
  /** `file#index`, as the report's `rejected[].source` names it. */
  source: string;
  event: unknown;
}

export function readEventFiles(paths: string[]): RecordedEvent[] {
  if (paths.length === 0) throw new UsageError('no EVENT_FILE given');
  return paths.flatMap((path) => {
    const value = readInputJson(path, 'event file', (m) => new UsageError(m));
    const events = Array.isArray(value) ? value : [value];
    if (events.length === 0) throw new UsageError(`${path} holds no events`);
    events.forEach((event, i) => {
      if (typeof event !== 'object' || event === null || Array.isArray(event))
        throw new UsageError(`${path}#${i} is not an EventBridge event (a JSON object)`);
    });
    return events.map((event, i) => ({ source: `${path}#${i}`, event }));
  });
}
