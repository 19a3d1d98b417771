import { sql, type Kysely } from 'kysely';

/**
 * Every row of every table of the database as text (JSON per row; bytea as hex), for canary
 * tests that must prove a value was stored nowhere.
 */
export async function dumpDatabase<T>(db: Kysely<T>): Promise<string> {
  const tables = await sql<{ schema: string; name: string }>`
    select table_schema as schema, table_name as name from information_schema.tables
     where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
     order by 1, 2
  `.execute(db);
  const parts: string[] = [];
  for (const t of tables.rows) {
    const rows = await sql<{ row: string }>`select row_to_json(x)::text as row from ${sql.table(`${t.schema}.${t.name}`)} x`.execute(db);
    parts.push(`-- ${t.schema}.${t.name}`, ...rows.rows.map((r) => r.row));
  }
  return parts.join('\n');
}

/** True when `value` appears in `text` as itself or as the hex of its UTF-8 bytes (how bytea dumps). */
export const containsAnyEncoding = (text: string, value: string): boolean =>
  text.includes(value) || text.toLowerCase().includes(Buffer.from(value, 'utf8').toString('hex'));
