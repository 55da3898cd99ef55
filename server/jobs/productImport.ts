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
/** What `demo_products` takes: `numeric(12, 2)` and `integer`. */
export const maxPrice = 9_999_999_999.99;
const maxStock = 2_147_483_647;
const requiredColumns = ['sku', 'name', 'price'];

/** Checks one CSV record; returns the product, or every reason it is refused (one per field). */
export function checkProductRecord(record: Record<string, string | undefined>): ProductRow | string[] {
  const problems: string[] = [];
  const sku = record.sku?.trim() ?? '';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(sku))
    problems.push(sku ? 'SKU has characters that are not allowed' : 'SKU is missing');
  const name = record.name?.trim() ?? '';
  if (!name) problems.push('Name is missing');
  const price = record.price?.trim() ?? '';
  const priceProblem = checkPrice(price);
  if (priceProblem) problems.push(priceProblem);
  const stock = record.stock?.trim() || '0';
  if (!/^\d+$/.test(stock)) problems.push('Stock is not a whole number ≥ 0');
  else if (Number(stock) > maxStock) problems.push(`Stock is over ${maxStock}`);
  if (problems.length > 0) return problems;
  return { sku, name, price: Number(price), stock: Number(stock), category: record.category?.trim() ?? '' };
}

function checkPrice(price: string): string | null {
  if (!price) return 'Price is missing';
  if (/^-\d/.test(price)) return 'Price is negative';
  // Plain decimals only: Number() would also take "0x10", "1e3" or "Infinity", and round "0.001" to nothing.
  if (!/^\d+(\.\d+)?$/.test(price)) return 'Price is not a number';
  if (!/^\d+(\.\d{1,2})?$/.test(price)) return 'Price has more than 2 decimals';
  if (Number(price) > maxPrice) return `Price is over ${maxPrice}`;
  return null;
}

/** Returns the SKUs written: in create-only mode, those that existed are left alone and not returned. */
async function writeProducts(db: Queryable, products: ProductRow[], mode: 'upsert' | 'create'): Promise<Set<string>> {
  const { rows } = await db.query<{ sku: string }>(
    `
insert into demo_products (sku, name, price, stock, category)
select p.sku, p.name, p.price, p.stock, p.category
from jsonb_to_recordset($1::jsonb) as p (sku text, name text, price numeric, stock integer, category text)
on conflict (sku) do ${
      mode === 'upsert'
        ? `update set name = excluded.name, price = excluded.price, stock = excluded.stock,
  category = excluded.category, updated_at = now()`
        : 'nothing'
    }
returning sku`,
    [JSON.stringify(products)],
  );
  return new Set(rows.map((row) => row.sku));
}

/** The columns the file lacks or repeats, said once for the whole file rather than once per row. */
function headerProblem(header: string[]): string | null {
  const repeated = header.find((name, index) => name !== '' && header.indexOf(name) !== index);
  if (repeated) return `The column "${repeated}" appears twice in the header.`;
  const missing = requiredColumns.filter((name) => !header.includes(name));
  if (missing.length === 0) return null;
  const separator = header.length === 1 && /[;\t|]/.test(header[0] ?? '') ? ' Columns are separated by commas.' : '';
  return `The header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (it reads "${header.join(',')}").${separator}`;
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
      let header: string[] = [];
      let parsed: { record: Record<string, string>; info: { records: number; empty_lines: number } }[];
      try {
        parsed = parse(Buffer.from(content).toString('utf8'), {
          columns: (names: string[]) => {
            header = names.map((name) => name.trim().toLowerCase());
            return header;
          },
          skip_empty_lines: true,
          relax_column_count: true,
          bom: true,
          info: true,
        });
      } catch (error) {
        throw jobError('invalid_csv', `The file is not valid CSV: ${(error as Error).message}`);
      }
      if (header.every((name) => name === '')) throw jobError('no_rows', 'The file is empty.');
      const problem = headerProblem(header);
      if (problem) throw jobError('invalid_header', problem);
      if (parsed.length === 0) throw jobError('no_rows', 'The file has a header but no rows.');
      const valid: { product: ProductRow; row: number }[] = [];
      const rowOfSku = new Map<string, number>();
      const steps = parsed.length * 2;
      for (const [index, { record, info }] of parsed.entries()) {
        job.signal.throwIfAborted();
        job.count('read');
        // As a spreadsheet numbers it: the header is row 1, and a blank line is a row too.
        const row = info.records + 1 + info.empty_lines;
        const checked = checkProductRecord(record);
        const earlier = Array.isArray(checked) ? undefined : rowOfSku.get(checked.sku);
        const refusal = earlier === undefined ? checked : [`SKU already on row ${earlier}`];
        if (Array.isArray(refusal)) {
          const fields = Object.values(record).filter((value) => value !== undefined).length;
          // A short row reads as missing fields; saying so points at the likely cause (a comma too few, a cut line).
          if (fields < header.length) refusal.unshift(`The row has ${fields} of the header's ${header.length} columns`);
          job.count('skipped');
          // The row number last: a column named "row" must not hide it.
          await job.warn(refusal.join('; '), Object.assign({ row }, record, { row }));
        } else {
          valid.push({ product: refusal, row });
          rowOfSku.set(refusal.sku, row);
        }
        job.progress(index + 1, steps, `Checked row ${row}`);
      }
      if (valid.length === 0) throw jobError('no_valid_rows', 'No row of the file could be imported.');
      await job.step('write', 'Write products');
      let writtenInAll = 0;
      for (let start = 0; start < valid.length; start += batchSize) {
        job.signal.throwIfAborted();
        const batch = valid.slice(start, start + batchSize);
        const written = await writeProducts(
          db,
          batch.map(({ product }) => product),
          job.params.mode,
        );
        job.count('written', written.size);
        writtenInAll += written.size;
        for (const { product, row } of batch) {
          if (written.has(product.sku)) continue;
          job.count('skipped');
          await job.warn('SKU exists already: create-only mode leaves it unchanged', { row, sku: product.sku });
        }
        job.progress(parsed.length + start + batch.length, steps, `Wrote ${start + batch.length} products`);
      }
      job.progress(steps, steps, `Imported ${writtenInAll} of ${parsed.length} rows`);
    },
  };
}
