-- An order is also the stored state of its checkout saga: `step` says how far the saga got, so
-- a billing that crashed mid-checkout finishes or undoes it on restart (see SagaRecovery).
create table customer_order (
  id               uuid primary key,
  user_id          uuid not null,
  idempotency_key  text not null,
  -- A digest of what the shopper asked for (never the card): the same key with another request is refused.
  request_digest   text not null,
  status           text not null check (status in ('PENDING', 'CONFIRMED', 'FAILED', 'CANCELLED')),
  -- NEW: nothing promised yet; PLACED: authorised, order and invoice stored, must be completed;
  -- UNDOING: failed, but the payment still has to be voided; DONE: nothing left to do.
  step             text not null check (step in ('NEW', 'PLACED', 'UNDOING', 'DONE')),
  lease_until      timestamptz not null,
  shipping_address jsonb not null,
  items_cents      bigint,
  shipping_cents   bigint,
  total_cents      bigint,
  currency         text,
  carrier          text,
  payment_id       uuid,
  card_brand       text,
  card_last4       text,
  -- Why a failed checkout failed, replayed as the same problem for the same key.
  problem_status   int,
  problem_detail   text,
  problem_field    text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  unique (user_id, idempotency_key)
);
create index customer_order_user on customer_order (user_id, created_at desc);
create index customer_order_unfinished on customer_order (lease_until) where step <> 'DONE';

create table order_line (
  order_id         uuid not null references customer_order on delete cascade,
  line_no          int not null,
  product_id       bigint not null,
  sku              text not null,
  name             text not null,
  quantity         int not null check (quantity > 0),
  unit_price_cents bigint not null check (unit_price_cents >= 0),
  weight_grams     int not null,
  primary key (order_id, line_no)
);

create sequence invoice_number_seq;

create table invoice (
  id        uuid primary key,
  order_id  uuid not null unique references customer_order,
  number    text not null unique,
  issued_at timestamptz not null default now()
);
