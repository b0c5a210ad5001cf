-- The events a consuming service (one with an EventSubscription) has applied, per consumer queue:
-- platform's EventConsumers inserts the event id in the transaction of the handler's change, so a
-- redelivery changes nothing.
--
-- Why a repeatable script that only creates what is missing: see R__platform_outbox.sql. Services
-- created this table in versioned migrations of their own before platform owned it.
create table if not exists inbox (
  consumer   text not null,
  event_id   uuid not null,
  handled_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
