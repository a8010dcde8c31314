insert into articles_raw by name
select * from new_articles;
