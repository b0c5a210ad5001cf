-- A migration the service added later.
alter table placed_order add column discount_cents bigint not null default 0;
