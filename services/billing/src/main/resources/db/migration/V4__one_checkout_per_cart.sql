-- The version of the shopper's cart (profiles raises it on every change) that a checkout bought.
-- One checkout per cart version may be under way or have succeeded; a failed one frees the
-- version for the next try. Orders from before this column have none and never collide.
alter table customer_order add column cart_version bigint;
create unique index customer_order_one_per_cart on customer_order (user_id, cart_version)
  where status <> 'FAILED';
