import type pg from 'pg';

/**
 * Named prepared statements on PostgreSQL connections. Kysely sends every query unnamed, so the
 * server parses and plans it at every execution; for the joins on the request path (the session
 * lookup joins five tables) planning costs more than running. Naming each distinct SQL text once
 * per connection lets PostgreSQL reuse the parse and, after a few executions, a generic plan.
 * Measured with `npm run bench -- ingest`: server-side database CPU per appended message went from
 * about 1.1 ms to 0.35 ms (see bench/README.md).
 *
 * Bounded: at most MAX_NAMED texts per connection (queries whose text varies with their data,
 * such as `in (...)` lists, fall back to unnamed once the budget is spent). When a schema change
 * makes a prepared plan's result type stale (SQLSTATE 0A000), that text is prepared again under
 * a new name at its next use instead of failing forever on that connection.
 */
const MAX_NAMED = 200;
const STALE_PLAN = '0A000';

type QueryFn = (...args: unknown[]) => unknown;

export function usePreparedStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const original = client.query.bind(client) as QueryFn;
    const names = new Map<string, string>();
    let issued = 0;
    const forget = (text: string) => (error: unknown) => {
      if ((error as { code?: string }).code === STALE_PLAN) names.delete(text);
      throw error;
    };
    (client as unknown as { query: QueryFn }).query = (config: unknown, values?: unknown, callback?: unknown) => {
      // Only parameterised queries with a promise result (what Kysely sends); the rest as is.
      if (typeof config !== 'string' || !Array.isArray(values) || values.length === 0 || callback !== undefined) {
        return original(config, values, callback);
      }
      let name = names.get(config);
      if (!name && issued < MAX_NAMED) {
        name = `custos_${++issued}`;
        names.set(config, name);
      }
      if (!name) return original(config, values);
      return (original({ name, text: config, values }) as Promise<unknown>).catch(forget(config));
    };
  });
}
