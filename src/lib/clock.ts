/** Time is a parameter: services ask an injected clock, tests and `--at` pass their own. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const fixedClock = (at: Date): Clock => ({ now: () => new Date(at.getTime()) });
