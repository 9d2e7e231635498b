import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import pg from 'pg';

/** Column types whose values can hold a copied secret: text, varchar, char, json, jsonb and arrays of them. */
const TEXT_TYPES = ['text', 'character varying', 'character', 'json', 'jsonb'];

/**
 * Writes every text-like value of every table in the test database `name` to `file`, one JSON line
 * per value with the table, column and row number, for the secret-leak check. Secrets that the
 * product stores encrypted show up only as ciphertext. Returns the number of values written, or
 * null when the database no longer exists.
 */
export async function dumpDatabaseText(adminUrl: string, name: string, file: string): Promise<number | null> {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
  } catch (error) {
    if ((error as { code?: string }).code === '3D000') return null;
    throw error;
  }
  const output = createWriteStream(file);
  let values = 0;
  try {
    const columns = await client.query<{ table_schema: string; table_name: string; column_name: string }>(
      `SELECT c.table_schema, c.table_name, c.column_name
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE t.table_type = 'BASE TABLE'
          AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
          AND (c.data_type = ANY($1) OR (c.data_type = 'ARRAY' AND ltrim(c.udt_name, '_') IN ('text', 'varchar', 'bpchar', 'json', 'jsonb')))
        ORDER BY 1, 2, 3`,
      [TEXT_TYPES],
    );
    for (const column of columns.rows) {
      const table = `${quote(column.table_schema)}.${quote(column.table_name)}`;
      const rows = await client.query<{ value: string }>(`SELECT ${quote(column.column_name)}::text AS value FROM ${table} WHERE ${quote(column.column_name)} IS NOT NULL`);
      rows.rows.forEach((row, index) => {
        const source = `${name}.${column.table_schema}.${column.table_name}.${column.column_name}[${index}]`;
        output.write(`${JSON.stringify({ source, text: row.value })}\n`);
      });
      values += rows.rowCount ?? 0;
    }
  } finally {
    output.end();
    await once(output, 'close');
    await client.end();
  }
  return values;
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
