-- One row per product in a shopper's cart. Prices are not kept: they are read from the catalog
-- whenever the cart is shown or checked out, so the cart never shows a stale price.
create table cart_item (
  account_id uuid   not null references account (id) on delete cascade,
  product_id bigint not null,
  quantity   integer not null check (quantity between 1 and 99),
  added_at   timestamptz not null default now(),
  primary key (account_id, product_id)
);
