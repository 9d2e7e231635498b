import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('migrations', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.close();
  });

  it('create exactly the schema the entities describe', async () => {
    const drift = await database.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    expect(drift.trim(), 'entities changed without a migration; add one to src/migrations').toBe('');
  });
});
