drop table new_articles;
