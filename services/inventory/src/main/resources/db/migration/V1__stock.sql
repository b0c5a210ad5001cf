create table stock (
  sku        text primary key,
  -- The database refuses a negative level, whatever a bug upstream might try.
  available  integer not null check (available >= 0),
  updated_at timestamptz not null default now()
);

-- Stock held for a checkout, keyed by its order id.
create table reservation (
  order_id   text primary key,
  status     text not null check (status in ('RESERVED', 'COMMITTED', 'RELEASED')),
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);

create index reservation_expiry_idx on reservation (expires_at) where status = 'RESERVED';

create table reservation_line (
  order_id text not null references reservation (order_id),
  sku      text not null references stock (sku),
  quantity integer not null check (quantity > 0),
  primary key (order_id, sku)
);
