-- A cancelled order (status CANCELLED) is refunded after its cancellation commits; until
-- refunded_at is set, the recovery job keeps trying (payment may have been down).
alter table customer_order add column cancelled_at timestamptz, add column refunded_at timestamptz;
create index customer_order_refund_pending on customer_order (cancelled_at)
  where status = 'CANCELLED' and refunded_at is null;
