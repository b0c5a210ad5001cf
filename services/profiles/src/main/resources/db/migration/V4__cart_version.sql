-- Every change to a cart raises its version, so a checkout can name the cart it read and billing
-- can place one order per version however many tabs check out at once.
alter table account add column cart_version bigint not null default 0;

-- The orders whose items were already taken out of the cart: billing retries ClearCart, and a
-- retry must not take the same items out twice.
create table cart_checkout (
  order_id   uuid primary key,
  account_id uuid not null references account (id) on delete cascade,
  cleared_at timestamptz not null default now()
);
