create table category (
  id   bigserial primary key,
  name text not null,
  slug text not null unique
);

create table product (
  id           bigserial primary key,
  sku          text not null unique,
  name         text not null,
  description  text not null,
  price_cents  bigint not null check (price_cents >= 0),
  currency     text not null check (currency ~ '^[A-Z]{3}$'),
  category_id  bigint not null references category (id),
  image_url    text not null,
  weight_grams integer not null check (weight_grams > 0),
  -- Name matches rank above description matches.
  search       tsvector generated always as (
                 setweight(to_tsvector('english', name), 'A') ||
                 setweight(to_tsvector('english', description), 'B')) stored
);

create index product_search_idx on product using gin (search);
create index product_category_idx on product (category_id);
