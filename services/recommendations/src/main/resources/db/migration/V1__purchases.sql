-- What was bought, learned from order.placed: how often each product was ordered, and how often
-- each pair of products was in the same order (stored both ways, so a lookup is one index scan).
create table product_popularity (
  product_id bigint primary key,
  orders     bigint not null
);

create table bought_together (
  product_id bigint not null,
  other_id   bigint not null,
  orders     bigint not null,
  primary key (product_id, other_id)
);
create index bought_together_ranking on bought_together (product_id, orders desc);

-- This migration also created the inbox table until platform took it over (platform's
-- db/platform/inbox, applied after this one); shop.events.tables-created-by-migrations names it.
