-- A service's first migration as services wrote them before platform owned the outbox and inbox.
create table placed_order (id uuid primary key, total_cents bigint not null);
create table inbox (consumer text not null, event_id uuid not null, handled_at timestamptz not null default now(),
  primary key (consumer, event_id));
create table outbox (id bigserial primary key, event_id uuid not null unique, type text not null,
  aggregate_id text not null, envelope text not null, created_at timestamptz not null default now(),
  attempts int not null default 0, last_error text, sent_at timestamptz);
create index outbox_unsent on outbox (aggregate_id, id) where sent_at is null;
