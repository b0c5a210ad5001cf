-- RETURNED: sold stock put back because its order was cancelled (order.cancelled), once.
alter table reservation drop constraint reservation_status_check;
alter table reservation add constraint reservation_status_check
  check (status in ('RESERVED', 'COMMITTED', 'RELEASED', 'RETURNED'));

-- This migration also created the inbox table until platform took it over (platform's
-- db/platform/inbox, applied after this one); shop.events.tables-created-by-migrations names it.
