create table account (
  id                  uuid primary key,
  email               text not null,
  password_hash       text not null,
  name                text not null,
  role                text not null check (role in ('SHOPPER', 'ADMIN')),
  address_line1       text,
  address_line2       text,
  address_city        text,
  address_postal_code text,
  address_country     text,
  created_at          timestamptz not null default now()
);

-- Emails are unique whatever their case: Ann@Example.com and ann@example.com are one shopper.
create unique index account_email_idx on account (lower(email));

-- The key pair that signs login tokens, shared by every replica. The private key is stored as
-- PKCS#8 in the service's own database, which only the profiles role can read.
create table signing_key (
  kid         text primary key,
  private_key bytea not null,
  public_key  bytea not null,
  created_at  timestamptz not null default now()
);
