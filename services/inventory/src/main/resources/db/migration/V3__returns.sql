-- RETURNED: sold stock put back because its order was cancelled (order.cancelled), once.
alter table reservation drop constraint reservation_status_check;
alter table reservation add constraint reservation_status_check
  check (status in ('RESERVED', 'COMMITTED', 'RELEASED', 'RETURNED'));

-- Events this service has applied, per consumer queue: a redelivery changes nothing.
create table inbox (
  consumer   text not null,
  event_id   uuid not null,
  handled_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
