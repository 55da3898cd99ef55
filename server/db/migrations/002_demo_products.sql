-- The demo's catalogue: what the product import writes, the export reads and the mass edit changes
-- (server/jobs/). A host app has its own tables; this one only backs the demo job types.
create table demo_products (
  sku        text primary key,
  name       text not null,
  price      numeric(12, 2) not null check (price >= 0),
  stock      integer not null check (stock >= 0),
  category   text not null default '',
  updated_at timestamptz not null default now()
);
create index demo_products_category_idx on demo_products (category, sku);
