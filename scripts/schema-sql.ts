// Prints the SQL that creates the current entity schema, for writing a new migration by hand.
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from '../src/database/orm.js';
import { startEmbeddedPostgres } from '../src/database/embedded.js';

const database = await startEmbeddedPostgres({ dataDir: `/tmp/egdc-schema-${process.pid}`, persistent: false });
try {
  const orm = await MikroORM.init(ormOptions(database.url));
  console.log(await orm.getSchemaGenerator().getCreateSchemaSQL({ wrap: false }));
  await orm.close();
} finally {
  await database.stop();
}
