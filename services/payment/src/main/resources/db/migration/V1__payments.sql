-- A card payment. Only the brand and the last four digits of the card are kept: never the
-- full number, never the CVC.
create table payment (
  id              uuid primary key,
  idempotency_key text not null unique,
  order_id        text not null,
  user_id         text not null,
  amount_cents    bigint not null check (amount_cents > 0),
  currency        text not null check (currency ~ '^[A-Z]{3}$'),
  card_brand      text not null,
  card_last4      text not null check (card_last4 ~ '^[0-9]{4}$'),
  status          text not null check (status in ('AUTHORIZED', 'DECLINED', 'CAPTURED', 'VOIDED', 'REFUNDED')),
  decline_reason  text,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now()
);

-- Each capture, void or refund that changed a payment, under the key it was asked with.
create table payment_event (
  idempotency_key text primary key,
  payment_id      uuid not null references payment (id),
  kind            text not null check (kind in ('CAPTURE', 'VOID', 'REFUND')),
  at              timestamptz not null default now()
);

create index payment_event_payment_idx on payment_event (payment_id);
