/**
 * Cron schedules (node-cron's syntax, 5 fields or 6 with seconds, in UTC) read against any clock:
 * the next time a schedule fires after a given instant, and how many times it fired in between.
 * node-cron's task runs against the system clock, so its time matcher is asked directly.
 */
import cron, { type ScheduledTask } from 'node-cron';

type Matcher = { getNextMatch(date: Date): Date };

/** Counting stops here: "more than 1000 runs were missed" says enough. */
const MAX_COUNT = 1000;

export class CronSchedules {
  private readonly tasks = new Map<string, ScheduledTask>();

  /** The first time `expression` fires strictly after `after`. */
  nextAfter(expression: string, after: Date): Date {
    return this.matcher(expression).getNextMatch(after);
  }

  /** How many times `expression` fired in (`after`, `until`], up to 1000. */
  firesBetween(expression: string, after: Date, until: Date): number {
    const matcher = this.matcher(expression);
    let count = 0;
    for (let at = matcher.getNextMatch(after); at <= until && count < MAX_COUNT; at = matcher.getNextMatch(at)) count++;
    return count;
  }

  /** Lets go of the tasks node-cron registered for the expressions seen. */
  close(): void {
    for (const task of this.tasks.values()) void task.destroy();
    this.tasks.clear();
  }

  private matcher(expression: string): Matcher {
    let task = this.tasks.get(expression);
    if (!task) {
      // Never started: it only answers when the expression matches.
      task = cron.createTask(expression, () => undefined, { timezone: 'UTC' });
      this.tasks.set(expression, task);
    }
    const matcher = (task as unknown as { timeMatcher?: Partial<Matcher> }).timeMatcher;
    if (typeof matcher?.getNextMatch !== 'function') throw new Error('node-cron no longer exposes its time matcher: check cron-schedule.ts against its version');
    return matcher as Matcher;
  }
}
