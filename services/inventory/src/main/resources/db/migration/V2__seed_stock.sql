-- Stock for every product of the catalog's seed: SKUs KIT, OUT, OFF, AUD, HOM and BOK, 001 to 012.
insert into stock (sku, available)
select prefix || '-' || lpad(n::text, 3, '0'), 25
from unnest(array['KIT', 'OUT', 'OFF', 'AUD', 'HOM', 'BOK']) as prefix, generate_series(1, 12) as n;
