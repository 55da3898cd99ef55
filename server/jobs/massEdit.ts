/** Mass edit (both seeds): changes the price of every product of a category by a percentage, in batches. */
import type { Queryable } from '../db/types.js';
import { type Locale, pickLocale } from '../http/locale.js';
import type { JobTypeDefinition } from '../queue/types.js';
import { maxPrice } from './productImport.js';

export interface MassEditParams extends Record<string, unknown> {
  category?: string;
  priceChangePercent: number;
}

const batchSize = 50;

/** What the handler writes (step labels, progress, warnings), in the language of its job's user. */
const en = {
  selectStep: 'Select products',
  updateStep: 'Update prices',
  priceTooHigh: `The new price would pass ${maxPrice}; left unchanged`,
  updatedSoFar: (done: number, total: number) => `Updated ${done} of ${total} products`,
  noMatch: 'No product matched',
  updated: (total: number) => `Updated ${total} products`,
};
const texts: Record<Locale, typeof en> = {
  en,
  fr: {
    selectStep: 'Sélectionner les produits',
    updateStep: 'Mettre à jour les prix',
    priceTooHigh: `Le nouveau prix dépasserait ${maxPrice.toLocaleString('fr-FR')} ; prix inchangé`,
    updatedSoFar: (done, total) => `Produits mis à jour : ${done} sur ${total}`,
    noMatch: 'Aucun produit ne correspond',
    updated: (total) => `Produits mis à jour : ${total}`,
  },
};

/**
 * Changes the price of the listed products that still exist; returns each with its old and new price and whether it
 * was written (not when the new price would not fit the column: one such product failed the whole batch).
 */
async function changePrices(db: Queryable, skus: string[], percent: number) {
  const { rows } = await db.query<{ sku: string; price: string; new_price: string; written: boolean }>(
    `
with target as (
  select sku, price, round(price * (1 + $2::numeric / 100), 2) as new_price
  from demo_products
  where sku = any($1::text[])
  for update
), changed as (
  update demo_products p
  set price = target.new_price, updated_at = now()
  from target
  where p.sku = target.sku and target.new_price <= $3::numeric
  returning p.sku
)
select sku, price::text, new_price::text, sku in (select sku from changed) as written
from target
order by sku`,
    [skus, percent, maxPrice],
  );
  return rows;
}

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
    titles: { fr: { Category: 'Catégorie', 'Price change (%)': 'Variation de prix (%)' } },
    interruptible: true,
    requeueable: true,
    async handler(job) {
      const { category = null, priceChangePercent } = job.params;
      const text = texts[pickLocale(job.locale)];
      await job.step('select', text.selectStep);
      const { rows } = await db.query<{ sku: string }>(
        `select sku from demo_products where ($1::text is null or category = $1::text) order by sku`,
        [category],
      );
      job.count('read', rows.length);
      await job.step('update', text.updateStep);
      for (let start = 0; start < rows.length; start += batchSize) {
        job.signal.throwIfAborted();
        const skus = rows.slice(start, start + batchSize).map((row) => row.sku);
        const changes = await changePrices(db, skus, priceChangePercent);
        const written = changes.filter((change) => change.written);
        job.count('written', written.length);
        // A product deleted since it was selected is skipped, and so is one whose price would pass what it can be.
        if (written.length < skus.length) job.count('skipped', skus.length - written.length);
        for (const change of changes) {
          if (change.written) continue;
          await job.warn(text.priceTooHigh, {
            sku: change.sku,
            price: change.price,
            newPrice: change.new_price,
          });
        }
        job.progress(start + skus.length, rows.length, text.updatedSoFar(start + skus.length, rows.length));
      }
      if (rows.length === 0) await job.warn(text.noMatch, { category });
      job.progress(rows.length, rows.length, text.updated(rows.length));
    },
  };
}
