-- Why an order was cancelled, in words for its shopper: at their request, or because its stock
-- was gone by the time the paid order was to be completed.
alter table customer_order add column cancel_reason text;
update customer_order set cancel_reason = 'Cancelled at your request.' where status = 'CANCELLED';
