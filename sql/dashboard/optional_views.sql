-- Which optional feature views exist (stories: clustering issue; alerts: spike alerts issue).
select table_name as name
from information_schema.tables
where table_schema = 'main' and table_name in ('stories', 'article_story', 'alerts')
