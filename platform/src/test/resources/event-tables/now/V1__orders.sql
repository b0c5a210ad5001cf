-- The same migration once platform owns the outbox and inbox: only the service's own table is left.
create table placed_order (id uuid primary key, total_cents bigint not null);
