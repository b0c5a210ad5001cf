-- What the profile shows of a shopper's orders, learned from order.placed (billing's event):
-- how many were placed and when the latest was. Only the event handler writes these columns.
alter table account
  add column order_count   integer not null default 0,
  add column last_order_at timestamptz;

-- This migration also created the inbox table until platform took it over (platform's
-- db/platform/inbox, applied after this one); shop.events.tables-created-by-migrations names it.
