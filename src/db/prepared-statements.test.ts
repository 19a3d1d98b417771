import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from './database.js';
import { createPostgresDatabase, dropPostgresDatabase, testDatabaseUrl } from '../../test/support/database.js';

describe.skipIf(!testDatabaseUrl)('prepared statements on PostgreSQL', () => {
  it('reuses a prepared statement per connection and prepares it again after a schema change', async () => {
    const url = await createPostgresDatabase();
    const database = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
    try {
      await sql`create table probe (id int primary key, a text)`.execute(database.db);
      await sql`insert into probe values (1, 'one')`.execute(database.db);
      const read = () => database.db.selectFrom('probe' as never).selectAll().where('id' as never, '=', 1 as never).execute();
      for (let i = 0; i < 3; i++) expect(await read()).toEqual([{ id: 1, a: 'one' }]);
      const prepared = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where name like 'custos_%'`.execute(database.db);
      expect(prepared.rows[0]!.n).toBeGreaterThanOrEqual(1);

      await sql`alter table probe add column b text default 'two'`.execute(database.db);
      // The plan's result type changed: at most one failure, then the text is prepared anew.
      const outcomes: string[] = [];
      for (let i = 0; i < 3; i++) {
        try {
          outcomes.push(JSON.stringify(await read()));
        } catch (error) {
          outcomes.push((error as { code?: string }).code ?? 'error');
        }
      }
      expect(outcomes.filter((o) => o === '0A000').length).toBeLessThanOrEqual(1);
      expect(outcomes[outcomes.length - 1]).toBe(JSON.stringify([{ id: 1, a: 'one', b: 'two' }]));
    } finally {
      await database.close();
      await dropPostgresDatabase(url);
    }
  });
});
