import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.js';

/** What a repository runs its queries on: the database, or the open transaction (never mixed). */
export type Executor = Kysely<DB> | Transaction<DB>;
