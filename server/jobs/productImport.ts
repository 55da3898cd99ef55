/**
 * Product import (PIM seed): parses the uploaded CSV with csv-parse, reports each bad row as a warning carrying
 * the row number and its fields, and upserts the good rows into `demo_products`. Steps `validate` and `write`;
 * counters read / written / skipped.
 */
import { parse } from 'csv-parse/sync';
import type { Queryable } from '../db/types.js';
import type { JobTypeDefinition } from '../queue/types.js';
import { jobError } from './errors.js';

export interface ProductImportParams extends Record<string, unknown> {
  file: string;
  fileName?: string;
  mode: 'upsert' | 'create';
}

interface ProductRow {
  sku: string;
  name: string;
  price: number;
  stock: number;
  category: string;
}

const batchSize = 100;

/** Checks one CSV record; returns the product or why it is refused. */
export function checkProductRecord(record: Record<string, string>): ProductRow | string {
  const sku = record.sku?.trim() ?? '';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(sku))
    return sku ? 'SKU has characters that are not allowed' : 'SKU is missing';
  const name = record.name?.trim() ?? '';
  if (!name) return 'Name is missing';
  const price = Number(record.price);
  if (record.price?.trim() === '' || !Number.isFinite(price)) return 'Price is not a number';
  if (price < 0) return 'Price is negative';
  const stock = Number(record.stock ?? '0');
  if (!Number.isInteger(stock) || stock < 0) return 'Stock is not a whole number ≥ 0';
  return { sku, name, price, stock, category: record.category?.trim() ?? '' };
}

async function writeProducts(db: Queryable, products: ProductRow[], mode: 'upsert' | 'create'): Promise<number> {
  const { affectedRows } = await db.query(
    `
insert into demo_products (sku, name, price, stock, category)
select p.sku, p.name, p.price, p.stock, p.category
from jsonb_to_recordset($1::jsonb) as p (sku text, name text, price numeric, stock integer, category text)
on conflict (sku) do ${
      mode === 'upsert'
        ? `update set name = excluded.name, price = excluded.price, stock = excluded.stock,
  category = excluded.category, updated_at = now()`
        : 'nothing'
    }`,
    [JSON.stringify(products)],
  );
  return affectedRows;
}

export function productImport(db: Queryable): JobTypeDefinition<ProductImportParams> {
  return {
    type: 'product-import',
    label: { en: 'Product import', fr: 'Import de produits' },
    category: { en: ['Catalogue', 'Imports'], fr: ['Catalogue', 'Imports'] },
    paramsSchema: {
      type: 'object',
      required: ['file'],
      additionalProperties: false,
      properties: {
        file: {
          type: 'string',
          title: 'CSV file',
          description: 'Columns sku, name, price, stock, category. Kept with the report as an input file.',
          contentMediaType: 'text/csv',
          minLength: 1,
          maxLength: 900_000,
        },
        fileName: { type: 'string', title: 'File name', maxLength: 200 },
        mode: {
          title: 'Mode',
          default: 'upsert',
          oneOf: [
            { const: 'upsert', title: 'Create and update' },
            { const: 'create', title: 'Create only' },
          ],
        },
      },
    },
    interruptible: true,
    requeueable: true,
    launchUrl: '/imports/new?from={jobId}',
    async handler(job) {
      const content = await job.readArtifact('file');
      if (!content) throw jobError('input_missing', 'The CSV file was not kept with the job.');
      await job.step('validate', 'Validate rows');
      let records: Record<string, string>[];
      try {
        records = parse(Buffer.from(content).toString('utf8'), {
          columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
          skip_empty_lines: true,
          relax_column_count: true,
          bom: true,
        });
      } catch (error) {
        throw jobError('invalid_csv', `The file is not valid CSV: ${(error as Error).message}`);
      }
      const valid: ProductRow[] = [];
      for (const [index, record] of records.entries()) {
        job.count('read');
        const checked = checkProductRecord(record);
        // Row 1 is the header, so the first record is row 2, as a spreadsheet shows it.
        if (typeof checked === 'string') {
          job.count('skipped');
          await job.warn(checked, { row: index + 2, ...record });
        } else valid.push(checked);
        job.progress(index + 1, records.length * 2, `Checked row ${index + 2}`);
      }
      if (records.length > 0 && valid.length === 0)
        throw jobError('no_valid_rows', 'No row of the file could be imported.');
      await job.step('write', 'Write products');
      for (let start = 0; start < valid.length; start += batchSize) {
        job.signal.throwIfAborted();
        const batch = valid.slice(start, start + batchSize);
        const written = await writeProducts(db, batch, job.params.mode);
        job.count('written', written);
        // Create-only mode leaves existing SKUs alone: those rows count as skipped.
        if (written < batch.length) job.count('skipped', batch.length - written);
        job.progress(
          records.length + start + batch.length,
          records.length * 2,
          `Wrote ${start + batch.length} products`,
        );
      }
      job.progress(records.length * 2, records.length * 2, `Imported ${valid.length} of ${records.length} rows`);
    },
  };
}
