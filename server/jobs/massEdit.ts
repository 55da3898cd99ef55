/** Mass edit (both seeds): changes the price of every product of a category by a percentage, in batches. */
import type { Queryable } from '../db/types.js';
import type { JobTypeDefinition } from '../queue/types.js';

export interface MassEditParams extends Record<string, unknown> {
  category?: string;
  priceChangePercent: number;
}

const batchSize = 50;

export function massEdit(db: Queryable): JobTypeDefinition<MassEditParams> {
  return {
    type: 'product-mass-edit',
    label: { en: 'Mass edit of products', fr: 'Modification en masse des produits' },
    category: { en: ['Catalogue', 'Mass actions'], fr: ['Catalogue', 'Actions de masse'] },
    paramsSchema: {
      type: 'object',
      required: ['priceChangePercent'],
      additionalProperties: false,
      properties: {
        category: { type: 'string', title: 'Category', minLength: 1, maxLength: 100 },
        priceChangePercent: { type: 'number', title: 'Price change (%)', minimum: -90, maximum: 500 },
      },
    },
    interruptible: true,
    requeueable: true,
    async handler(job) {
      const { category = null, priceChangePercent } = job.params;
      await job.step('select', 'Select products');
      const { rows } = await db.query<{ sku: string }>(
        `select sku from demo_products where ($1::text is null or category = $1::text) order by sku`,
        [category],
      );
      job.count('read', rows.length);
      await job.step('update', 'Update prices');
      for (let start = 0; start < rows.length; start += batchSize) {
        job.signal.throwIfAborted();
        const skus = rows.slice(start, start + batchSize).map((row) => row.sku);
        const { affectedRows } = await db.query(
          `
update demo_products
set price = round(price * (1 + $2::numeric / 100), 2), updated_at = now()
where sku = any($1::text[])`,
          [skus, priceChangePercent],
        );
        job.count('written', affectedRows);
        // A product deleted since it was selected is skipped.
        if (affectedRows < skus.length) job.count('skipped', skus.length - affectedRows);
        job.progress(start + skus.length, rows.length, `Updated ${start + skus.length} of ${rows.length} products`);
      }
      if (rows.length === 0) await job.warn('No product matched', { category });
      job.progress(rows.length, rows.length, `Updated ${rows.length} products`);
    },
  };
}
