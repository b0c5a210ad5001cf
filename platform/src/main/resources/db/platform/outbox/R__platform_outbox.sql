-- The outbox of a service that publishes events (shop.events.outbox.enabled): rows written in the
-- transaction of the change they report; platform's OutboxRelay publishes them to the shop.events
-- exchange and sets sent_at once the broker confirmed them.
--
-- Why a repeatable script that only creates what is missing: services created this table in
-- versioned migrations of their own before platform owned it, so most databases have it already,
-- and a versioned script of platform's would have to pick a version number that can never clash
-- with, or sort before, one of a service's. Flyway runs a repeatable script after the versioned
-- ones, and again whenever this file changes; so every statement here must be safe on a database
-- that has the table. Change the table by adding such statements (add column if not exists, ...),
-- never by editing the create.
create table if not exists outbox (
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
create index if not exists outbox_unsent on outbox (aggregate_id, id) where sent_at is null;
-- The W3C traceparent of the transaction that wrote the row, put on the message (EventTrace).
alter table outbox add column if not exists traceparent text;
