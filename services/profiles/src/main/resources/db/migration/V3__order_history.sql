-- What the profile shows of a shopper's orders, learned from order.placed (billing's event):
-- how many were placed and when the latest was. Only the event handler writes these columns.
alter table account
  add column order_count   integer not null default 0,
  add column last_order_at timestamptz;

-- Events this service has applied, per consumer queue: a redelivery changes nothing.
create table inbox (
  consumer   text not null,
  event_id   uuid not null,
  handled_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
