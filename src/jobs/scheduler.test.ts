import { afterEach, describe, expect, it, vi } from 'vitest';
import { startScheduler } from './scheduler.js';

afterEach(() => {
  vi.useRealTimers();
});

const silent = { error: vi.fn() };

describe('scheduler', () => {
  it('runs at once, then every interval after the previous run ended, never two at a time', async () => {
    vi.useFakeTimers();
    let active = 0;
    let maxActive = 0;
    const finishers: (() => void)[] = [];
    const run = vi.fn(
      () =>
        new Promise<void>((resolve) => {
          active++;
          maxActive = Math.max(maxActive, active);
          finishers.push(() => {
            active--;
            resolve();
          });
        }),
    );
    const scheduler = startScheduler({ name: 'job', intervalMs: 1_000, run, logger: silent });
    await vi.advanceTimersByTimeAsync(0);
    expect(run).toHaveBeenCalledTimes(1);
    // a slow run: the interval passes several times, nothing starts on top of it
    await vi.advanceTimersByTimeAsync(5_000);
    expect(run).toHaveBeenCalledTimes(1);
    finishers.shift()!();
    await vi.advanceTimersByTimeAsync(999);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(2);
    expect(maxActive).toBe(1);
    finishers.shift()!();
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('stop() waits for the run in progress; a failed run is logged and the next one still comes', async () => {
    vi.useFakeTimers();
    const logger = { error: vi.fn() };
    let calls = 0;
    let release!: () => void;
    const run = vi.fn(async () => {
      calls++;
      if (calls === 1) throw new Error('database away');
      await new Promise<void>((resolve) => (release = resolve));
      return 'done';
    });
    const results: string[] = [];
    const scheduler = startScheduler({ name: 'job', intervalMs: 100, run, logger, onResult: (r) => results.push(r) });
    await vi.advanceTimersByTimeAsync(0);
    expect(logger.error).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(2);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(results).toEqual(['done']);
  });
});
