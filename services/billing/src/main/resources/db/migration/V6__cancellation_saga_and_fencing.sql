-- CANCELLING: the shopper asked to cancel a confirmed order and the shipment is being stopped;
-- the order stays CONFIRMED until that is done, so a crash in between is finished by recovery.
alter table customer_order drop constraint customer_order_step_check;
alter table customer_order add constraint customer_order_step_check
  check (step in ('NEW', 'PLACED', 'UNDOING', 'CANCELLING', 'DONE'));

-- Raised whenever someone takes the saga's lease over (the recovery job, or a repeated cancel).
-- The steps that must happen once are conditional on the epoch their worker started under, so a
-- worker that stalled past its lease cannot complete a step its successor has taken over.
alter table customer_order add column lease_epoch int not null default 0;
