-- Events written in the transaction of the change they report; platform's OutboxRelay publishes
-- them to the shop.events exchange and sets sent_at once the broker confirmed them.
create table outbox (
  id           bigserial primary key,
  event_id     uuid not null unique,
  type         text not null,
  aggregate_id text not null,
  envelope     text not null,
  created_at   timestamptz not null default now(),
  attempts     int not null default 0,
  last_error   text,
  sent_at      timestamptz
);
-- The relay's question: the oldest unsent row of each aggregate.
create index outbox_unsent on outbox (aggregate_id, id) where sent_at is null;
