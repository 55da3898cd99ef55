/** Product export (PIM seed): the catalogue (or one category) as a downloadable CSV artifact. */
import type { Queryable } from '../db/types.js';
import { csvLine } from '../http/csv.js';
import { type Locale, pickLocale } from '../http/locale.js';
import type { JobTypeDefinition } from '../queue/types.js';

export interface ProductExportParams extends Record<string, unknown> {
  category?: string;
}

const pageSize = 500;

/** What the handler writes (step labels, progress), in the language of its job's user. */
const en = {
  readStep: 'Read products',
  readSoFar: (done: number, total: number) => `Read ${done} of ${total} products`,
  writeStep: 'Write the file',
  exported: (done: number) => `Exported ${done} products`,
};
const texts: Record<Locale, typeof en> = {
  en,
  fr: {
    readStep: 'Lire les produits',
    readSoFar: (done, total) => `Produits lus : ${done} sur ${total}`,
    writeStep: 'Écrire le fichier',
    exported: (done) => `Produits exportés : ${done}`,
  },
};

async function productPage(db: Queryable, category: string | undefined, afterSku: string) {
  const { rows } = await db.query<{ sku: string; name: string; price: string; stock: number; category: string }>(
    `
select sku, name, price::text as price, stock, category
from demo_products
where ($1::text is null or category = $1::text) and sku > $2::text
order by sku
limit $3::int`,
    [category ?? null, afterSku, pageSize],
  );
  return rows;
}

export function productExport(db: Queryable): JobTypeDefinition<ProductExportParams> {
  return {
    type: 'product-export',
    label: { en: 'Product export', fr: 'Export de produits' },
    category: { en: ['Catalogue', 'Exports'], fr: ['Catalogue', 'Exports'] },
    paramsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        category: { type: 'string', title: 'Category', minLength: 1, maxLength: 100 },
      },
    },
    titles: { fr: { Category: 'Catégorie' } },
    interruptible: true,
    requeueable: true,
    // A file downloaded soon after it is made, or made again: a week, not the server's month.
    keepFinishedForMs: 7 * 24 * 3_600_000,
    async handler(job) {
      const text = texts[pickLocale(job.locale)];
      await job.step('read', text.readStep);
      const { rows } = await db.query<{ n: number }>(
        `select count(*)::int as n from demo_products where ($1::text is null or category = $1::text)`,
        [job.params.category ?? null],
      );
      const total = rows[0]!.n;
      let csv = csvLine(['sku', 'name', 'price', 'stock', 'category']);
      let done = 0;
      let afterSku = '';
      for (;;) {
        job.signal.throwIfAborted();
        const page = await productPage(db, job.params.category, afterSku);
        if (page.length === 0) break;
        for (const product of page)
          csv += csvLine([product.sku, product.name, product.price, product.stock, product.category]);
        done += page.length;
        afterSku = page.at(-1)!.sku;
        job.count('read', page.length);
        job.progress(done, total, text.readSoFar(done, total));
      }
      await job.step('write', text.writeStep);
      const day = new Date().toISOString().slice(0, 10);
      await job.saveArtifact({
        name: 'products.csv',
        role: 'output',
        fileName: `products-${job.params.category ?? 'all'}-${day}.csv`,
        contentType: 'text/csv',
        data: csv,
      });
      job.count('written', done);
      job.progress(total, total, text.exported(done));
    },
  };
}
