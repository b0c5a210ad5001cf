-- Shipments, made from order.placed, each moving LABEL_CREATED -> DISPATCHED -> IN_TRANSIT ->
-- DELIVERED on a schedule (ShipmentSchedule); CANCELLED from LABEL_CREATED on order.cancelled.
create table shipment (
  id              uuid primary key,
  order_id        uuid not null unique,
  user_id         uuid not null,
  tracking_number text not null unique,
  carrier         text not null,
  address         jsonb not null,
  status          text not null check (status in ('LABEL_CREATED', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED')),
  -- When the status moves on next; null once DELIVERED or CANCELLED.
  next_step_at    timestamptz,
  created_at      timestamptz not null default now()
);
create index shipment_due on shipment (next_step_at) where next_step_at is not null;
create index shipment_user on shipment (user_id);

-- Each status a shipment reached, and when: its tracking history.
create table shipment_event (
  shipment_id uuid not null references shipment,
  status      text not null,
  at          timestamptz not null default now(),
  primary key (shipment_id, status)
);

-- order.cancelled that arrived before its order.placed (they travel on separate queues): the
-- shipment is then born cancelled.
create table cancelled_order (
  order_id     uuid primary key,
  cancelled_at timestamptz not null default now()
);

-- This migration also created the inbox and outbox tables until platform took them over
-- (platform's db/platform, applied after this one); shop.events.tables-created-by-migrations names it.
