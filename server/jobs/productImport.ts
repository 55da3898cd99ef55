/**
 * Product import (PIM seed): parses the uploaded CSV with csv-parse, reports each bad row as a warning carrying
 * the row number and its fields, and upserts the good rows into `demo_products`. Steps `validate` and `write`;
 * counters read / written / skipped.
 */
import { parse } from 'csv-parse/sync';
import type { Queryable } from '../db/types.js';
import { type Locale, pickLocale } from '../http/locale.js';
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

/** What the handler writes (step labels, progress, warnings, errors), in the language of its job's user. */
const en = {
  fileNotKept: 'The CSV file was not kept with the job.',
  validateStep: 'Validate rows',
  notCsv: (reason: string) => `The file is not valid CSV: ${reason}`,
  empty: 'The file is empty.',
  repeatedColumn: (name: string) => `The column "${name}" appears twice in the header.`,
  missingColumns: (missing: string[], header: string[]) =>
    `The header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (it reads "${header.join(',')}").`,
  separatedByCommas: ' Columns are separated by commas.',
  noRows: 'The file has a header but no rows.',
  skuNotAllowed: 'SKU has characters that are not allowed',
  skuMissing: 'SKU is missing',
  nameMissing: 'Name is missing',
  stockNotWhole: 'Stock is not a whole number ≥ 0',
  stockTooHigh: `Stock is over ${maxStock}`,
  priceMissing: 'Price is missing',
  priceNegative: 'Price is negative',
  priceNotNumber: 'Price is not a number',
  priceDecimals: 'Price has more than 2 decimals',
  priceTooHigh: `Price is over ${maxPrice}`,
  skuRepeated: (row: number) => `SKU already on row ${row}`,
  shortRow: (fields: number, columns: number) => `The row has ${fields} of the header's ${columns} columns`,
  checkedRow: (row: number) => `Checked row ${row}`,
  noValidRows: 'No row of the file could be imported.',
  writeStep: 'Write products',
  skuExists: 'SKU exists already: create-only mode leaves it unchanged',
  wroteSoFar: (done: number) => `Wrote ${done} products`,
  imported: (written: number, rows: number) => `Imported ${written} of ${rows} rows`,
};
type Texts = typeof en;
const texts: Record<Locale, Texts> = {
  en,
  fr: {
    fileNotKept: "Le fichier CSV n'a pas été conservé avec le traitement.",
    validateStep: 'Valider les lignes',
    notCsv: (reason) => `Le fichier n'est pas un CSV valide : ${reason}`,
    empty: 'Le fichier est vide.',
    repeatedColumn: (name) => `La colonne « ${name} » figure deux fois dans l'en-tête.`,
    missingColumns: (missing, header) =>
      `Il manque à l'en-tête ${missing.length > 1 ? 'les colonnes' : 'la colonne'} ${missing.join(', ')} (il contient « ${header.join(',')} »).`,
    separatedByCommas: ' Les colonnes sont séparées par des virgules.',
    noRows: 'Le fichier a un en-tête mais aucune ligne.',
    skuNotAllowed: 'Le SKU contient des caractères non autorisés',
    skuMissing: 'Le SKU manque',
    nameMissing: 'Le nom manque',
    stockNotWhole: "Le stock n'est pas un nombre entier ≥ 0",
    stockTooHigh: `Le stock dépasse ${maxStock.toLocaleString('fr-FR')}`,
    priceMissing: 'Le prix manque',
    priceNegative: 'Le prix est négatif',
    priceNotNumber: "Le prix n'est pas un nombre",
    priceDecimals: 'Le prix a plus de 2 décimales',
    priceTooHigh: `Le prix dépasse ${maxPrice.toLocaleString('fr-FR')}`,
    skuRepeated: (row) => `Le SKU figure déjà ligne ${row}`,
    shortRow: (fields, columns) => `La ligne a ${fields} des ${columns} colonnes de l'en-tête`,
    checkedRow: (row) => `Ligne ${row} vérifiée`,
    noValidRows: "Aucune ligne du fichier n'a pu être importée.",
    writeStep: 'Écrire les produits',
    skuExists: 'Le SKU existe déjà : le mode « Créer seulement » le laisse inchangé',
    wroteSoFar: (done) => `Produits écrits : ${done}`,
    imported: (written, rows) => `Lignes importées : ${written} sur ${rows}`,
  },
};

/**
 * Checks one CSV record; returns the product, or every reason it is refused (one per field), in the language of
 * `text` (English by default).
 */
export function checkProductRecord(
  record: Record<string, string | undefined>,
  text: Texts = en,
): ProductRow | string[] {
  const problems: string[] = [];
  const sku = record.sku?.trim() ?? '';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(sku)) problems.push(sku ? text.skuNotAllowed : text.skuMissing);
  const name = record.name?.trim() ?? '';
  if (!name) problems.push(text.nameMissing);
  const price = record.price?.trim() ?? '';
  const priceProblem = checkPrice(price, text);
  if (priceProblem) problems.push(priceProblem);
  const stock = record.stock?.trim() || '0';
  if (!/^\d+$/.test(stock)) problems.push(text.stockNotWhole);
  else if (Number(stock) > maxStock) problems.push(text.stockTooHigh);
  if (problems.length > 0) return problems;
  return { sku, name, price: Number(price), stock: Number(stock), category: record.category?.trim() ?? '' };
}

function checkPrice(price: string, text: Texts): string | null {
  if (!price) return text.priceMissing;
  if (/^-\d/.test(price)) return text.priceNegative;
  // Plain decimals only: Number() would also take "0x10", "1e3" or "Infinity", and round "0.001" to nothing.
  if (!/^\d+(\.\d+)?$/.test(price)) return text.priceNotNumber;
  if (!/^\d+(\.\d{1,2})?$/.test(price)) return text.priceDecimals;
  if (Number(price) > maxPrice) return text.priceTooHigh;
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
function headerProblem(header: string[], text: Texts): string | null {
  const repeated = header.find((name, index) => name !== '' && header.indexOf(name) !== index);
  if (repeated) return text.repeatedColumn(repeated);
  const missing = requiredColumns.filter((name) => !header.includes(name));
  if (missing.length === 0) return null;
  const separator = header.length === 1 && /[;\t|]/.test(header[0] ?? '') ? text.separatedByCommas : '';
  return text.missingColumns(missing, header) + separator;
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
    titles: {
      fr: {
        'CSV file': 'Fichier CSV',
        'File name': 'Nom du fichier',
        Mode: 'Mode',
        'Create and update': 'Créer et mettre à jour',
        'Create only': 'Créer seulement',
      },
    },
    interruptible: true,
    requeueable: true,
    launchUrl: '/imports/new?from={jobId}',
    async handler(job) {
      const text = texts[pickLocale(job.locale)];
      const content = await job.readArtifact('file');
      if (!content) throw jobError('input_missing', text.fileNotKept);
      await job.step('validate', text.validateStep);
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
        throw jobError('invalid_csv', text.notCsv((error as Error).message));
      }
      // Nothing but blank lines; a header of empty names (",,,") is a header, and its fault is said below.
      if (header.length === 0 || (header.length === 1 && header[0] === '')) throw jobError('no_rows', text.empty);
      const problem = headerProblem(header, text);
      if (problem) throw jobError('invalid_header', problem);
      if (parsed.length === 0) throw jobError('no_rows', text.noRows);
      const valid: { product: ProductRow; row: number }[] = [];
      const rowOfSku = new Map<string, number>();
      const steps = parsed.length * 2;
      for (const [index, { record, info }] of parsed.entries()) {
        job.signal.throwIfAborted();
        job.count('read');
        // As a spreadsheet numbers it: the header is row 1, and a blank line is a row too.
        const row = info.records + 1 + info.empty_lines;
        const checked = checkProductRecord(record, text);
        const earlier = Array.isArray(checked) ? undefined : rowOfSku.get(checked.sku);
        const refusal = earlier === undefined ? checked : [text.skuRepeated(earlier)];
        if (Array.isArray(refusal)) {
          const fields = Object.values(record).filter((value) => value !== undefined).length;
          // A short row reads as missing fields; saying so points at the likely cause (a comma too few, a cut line).
          if (fields < header.length) refusal.unshift(text.shortRow(fields, header.length));
          job.count('skipped');
          // The row number last: a column named "row" must not hide it.
          await job.warn(refusal.join('; '), Object.assign({ row }, record, { row }));
        } else {
          valid.push({ product: refusal, row });
          rowOfSku.set(refusal.sku, row);
        }
        job.progress(index + 1, steps, text.checkedRow(row));
      }
      if (valid.length === 0) throw jobError('no_valid_rows', text.noValidRows);
      await job.step('write', text.writeStep);
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
          await job.warn(text.skuExists, { row, sku: product.sku });
        }
        job.progress(parsed.length + start + batch.length, steps, text.wroteSoFar(start + batch.length));
      }
      job.progress(steps, steps, text.imported(writtenInAll, parsed.length));
    },
  };
}
