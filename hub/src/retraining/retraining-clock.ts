/**
 * The time retraining schedules are read against. The system clock, or — for tests and drills —
 * a file holding an ISO 8601 instant (AIMASS_RETRAIN_CLOCK_FILE), read at each look: writing a
 * later instant to it moves the hub's retraining time forward.
 */
import { readFileSync } from 'node:fs';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock read from `file`; an unreadable file or a value that is not an instant reads as the system time. */
export function fileClock(file: string): Clock {
  return {
    now() {
      try {
        const at = new Date(readFileSync(file, 'utf8').trim());
        return Number.isNaN(at.getTime()) ? new Date() : at;
      } catch {
        return new Date();
      }
    },
  };
}
