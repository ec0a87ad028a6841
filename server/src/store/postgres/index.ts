import type { Store } from '../types.js';

/** PostgreSQL implementation of the Store (placeholder until the scale-out work lands). */
export async function createPostgresStore(_url: string): Promise<Store> {
  throw new Error('PostgreSQL store not implemented yet');
}
