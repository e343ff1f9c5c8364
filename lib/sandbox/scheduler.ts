// The virtual clock and its queue. Work runs strictly in time order (ties in scheduling order), one
// job at a time, and the clock only moves between jobs: a handler awaiting I/O never sees time pass.
import { MinHeap } from './heap';

export interface Job {
  at: number;
  seq: number;
  label: string;
  /** Background jobs (reconciler ticks) do not keep the world from being quiet. */
  background: boolean;
  run: () => void | Promise<void>;
  cancelled?: boolean;
  ran?: boolean;
}

export class Scheduler {
  private readonly queue = new MinHeap<Job>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  private seq = 0;
  private foreground = 0;
  private current: number;

  constructor(readonly startedAt: number) {
    this.current = startedAt;
  }

  /** Virtual epoch seconds. */
  now(): number {
    return this.current;
  }

  /** Seconds since the world started. */
  elapsed(): number {
    return this.current - this.startedAt;
  }

  /** Runs `run` after `delaySeconds` of virtual time (never in the past). */
  after(delaySeconds: number, label: string, run: Job['run'], background = false): () => void {
    return this.at(this.current + Math.max(0, delaySeconds), label, run, background);
  }

  /** Queues a job; returns a function that cancels it (a no-op once it ran). */
  at(at: number, label: string, run: Job['run'], background = false): () => void {
    const job: Job = { at: Math.max(at, this.current), seq: this.seq++, label, background, run };
    this.queue.push(job);
    if (!background) this.foreground++;
    return () => {
      if (job.cancelled || job.ran) return;
      job.cancelled = true;
      if (!background) this.foreground--;
    };
  }

  /** True while any non-background job is queued. */
  get busy(): boolean {
    return this.foreground > 0;
  }

  /** Runs every job due at or before `at` (including jobs they queue), then moves the clock to `at`. */
  async runUntil(at: number): Promise<void> {
    for (;;) {
      let next = this.queue.peek();
      while (next?.cancelled) {
        this.queue.pop();
        next = this.queue.peek();
      }
      if (!next || next.at > at) break;
      await this.step();
    }
    this.current = Math.max(this.current, at);
  }

  /** Advances the clock to the next job and runs it; false when nothing is queued. */
  async step(): Promise<boolean> {
    let job = this.queue.pop();
    while (job?.cancelled) job = this.queue.pop();
    if (!job) return false;
    if (!job.background) this.foreground--;
    job.ran = true;
    this.current = job.at;
    await job.run();
    return true;
  }
}
