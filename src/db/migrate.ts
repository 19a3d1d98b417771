import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import * as m0001 from './migrations/0001_foundation.js';
import * as m0002 from './migrations/0002_lifecycle.js';
import * as m0003 from './migrations/0003_keystore.js';
import * as m0004 from './migrations/0004_audit_staff.js';
import * as m0005 from './migrations/0005_feedback_safety.js';
import * as m0006 from './migrations/0006_account_security.js';
import * as m0007 from './migrations/0007_audit_seq_index.js';
import * as m0008 from './migrations/0008_conversation_facts_version.js';
import * as m0009 from './migrations/0009_conversation_hot_append.js';
import * as m0010 from './migrations/0010_connections.js';
import * as m0011 from './migrations/0011_disclosures.js';

/** Every migration, in order. A new migration is a new file plus one line here. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_lifecycle': m0002,
  '0003_keystore': m0003,
  '0004_audit_staff': m0004,
  '0005_feedback_safety': m0005,
  '0006_account_security': m0006,
  '0007_audit_seq_index': m0007,
  '0008_conversation_facts_version': m0008,
  '0009_conversation_hot_append': m0009,
  '0010_connections': m0010,
  '0011_disclosures': m0011,
};

// Migrations are frozen in time and typed against no schema, so the migrator takes any database.
export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  // Features land in parallel and their migrations touch disjoint tables, so one that arrives
  // after a later-numbered one has run may still run.
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(result.error as Error).message}`);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
