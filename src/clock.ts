/**
 * The source of "now" for every rule that depends on time (token expiry, lastUsedAt throttling,
 * membership expiry). Tests inject a ManualClock to hit the boundaries exactly.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class ManualClock implements Clock {
  private current: Date;

  constructor(start: Date | string = '2026-01-15T12:00:00.000Z') {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(to: Date | string): void {
    this.current = new Date(to);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }

  advanceDays(days: number): void {
    this.advance(days * DAY_MS);
  }
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD` of an instant, in UTC: the calendar GitLab uses for token and membership dates. */
export function utcDate(at: Date): string {
  // Asked several times a request, almost always for the same day: the last day's text is kept.
  const day = Math.floor(at.getTime() / DAY_MS);
  if (day !== lastDay) {
    lastText = at.toISOString().slice(0, 10);
    lastDay = day;
  }
  return lastText;
}

let lastDay = Number.NaN;
let lastText = '';

/** Adds whole days to a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  const base = Date.parse(`${date}T00:00:00.000Z`);
  return utcDate(new Date(base + days * DAY_MS));
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD` (rejects 2025-02-30). */
export function isValidDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && utcDate(d) === value;
}
