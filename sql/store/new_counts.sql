select feed_url, count(*) as items_new
from new_articles
group by feed_url;
