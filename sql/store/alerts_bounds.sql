-- First and last UTC day the store holds articles for (the baseline never reaches before the first).
select
    min(cast(timezone('UTC', published_at) as date)) as first_day,
    max(cast(timezone('UTC', published_at) as date)) as last_day
from articles_raw;
