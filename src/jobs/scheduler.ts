import type { Logger } from 'pino';

/**
 * Runs a job now and then every `intervalMs`, never two at once: the next run is scheduled when
 * the previous one ends, so a slow run delays the next instead of piling up. `stop()` cancels
 * the timer and waits for a run in progress, so a process can close its database right after.
 */
export interface Scheduler {
  stop(): Promise<void>;
  /** Resolves when the run in progress (if any) has finished; for tests and shutdown. */
  idle(): Promise<void>;
}

export interface ScheduleOptions<T> {
  name: string;
  intervalMs: number;
  run: () => Promise<T>;
  logger: Pick<Logger, 'error'>;
  /** Called with each run's result, e.g. to log counts. */
  onResult?: (result: T) => void;
}

export function startScheduler<T>(options: ScheduleOptions<T>): Scheduler {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  const tick = () => {
    timer = null;
    if (stopped) return;
    running = options
      .run()
      .then((result) => options.onResult?.(result))
      .catch((error: unknown) => options.logger.error({ err: error, job: options.name }, `${options.name} failed`))
      .finally(() => {
        running = null;
        if (!stopped) {
          // A live timer keeps a worker process alive between runs; stop() clears it.
          timer = setTimeout(tick, options.intervalMs);
        }
      });
  };
  timer = setTimeout(tick, 0);

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
    async idle() {
      await running;
    },
  };
}
