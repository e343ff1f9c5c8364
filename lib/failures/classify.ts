// The pure failure classifier (issue 15): a failed step's text (the command's kept output, or gmsa-ready's own
// message) → a documented code from the catalogue, with the line that shows it. Pure: no I/O, no clock; the
// workflow core calls it when a launch step fails for good.
import type { Step } from '../workflow/types';
import { CATALOGUE, type FailureCode, remedyFor, type Stage } from './catalogue';
import { keepableLine } from './command-output';

/** What a record keeps of a failure: small (the remedy is looked up by code when shown). */
export interface Failure {
  /** The launch step that failed. */
  step: Step;
  code: FailureCode;
  /** The line that identified the code (for `unknown`, the output's first line): one line, bounded, redacted. */
  message: string;
}

/** A failure as shown to people: the sandbox report, status, the status page. */
export interface ExplainedFailure extends Failure {
  remedy: string;
}

/** Longest message kept: a record stays small and the line stays readable. */
export const MESSAGE_MAX = 300;

const STAGE_OF: Record<Step, Stage> = {
  agent: 'agent',
  identify: 'agent',
  join: 'join',
  resolve: 'group-change',
  authorize: 'group-change',
  undo: 'group-change',
  deauthorize: 'group-change',
  refresh: 'refresh',
  verify: 'verify',
  ready: 'verify',
  complete: 'lifecycle',
  drain: 'lifecycle',
  done: 'lifecycle',
};

/** Stages whose codes can end any step: the action expiring, a command never finishing. */
const ANY_STEP: readonly Stage[] = ['lifecycle', 'command'];

/** The result prefixes of the project's documents: the reason after them is what people read. */
const MARKER = /^GMSA-READY-(?:JOIN|REFRESH|RESULT \S+) (?:error|gone) /;

const lines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

/**
 * The code for a failure of `step` whose output (or message) is `text`. The catalogue's entries for the
 * step's stage are tried in order, then those that apply to any step; the first whose pattern matches any line
 * wins, and the line kept is the one its earliest matching pattern found (the tool's own text before the
 * document's summary of it). Nothing matching gives `unknown` with the first line: the project's own `error` line if the
 * document printed one, else the first line of the text.
 */
export function classifyFailure(step: Step, text: string): Failure {
  const all = lines(text);
  const candidates = CATALOGUE.filter((entry) => entry.stage === STAGE_OF[step] || ANY_STEP.includes(entry.stage));
  for (const entry of candidates) {
    for (const pattern of entry.patterns) {
      const line = all.find((candidate) => pattern.test(candidate));
      if (line) return failure(step, entry.code, line);
    }
  }
  const first = all.find((line) => MARKER.test(line)) ?? all[0] ?? '(no output)';
  return failure(step, 'unknown', first);
}

/** A failure whose code the core knows without reading any output (the lifecycle action expired). */
export function knownFailure(step: Step, code: FailureCode, message: string): Failure {
  return failure(step, code, message);
}

function failure(step: Step, code: FailureCode, line: string): Failure {
  return { step, code, message: keepableLine(line.replace(MARKER, ''), MESSAGE_MAX) };
}

/** The failure with its remedy, for people. */
export function explain(failure: Failure): ExplainedFailure {
  return { step: failure.step, code: failure.code, message: failure.message, remedy: remedyFor(failure.code) };
}
