-- Values offered by the sidebar filters, most frequent first.
with outlets as (
    select 'outlet' as kind, outlet as value, count(*) as articles
    from articles
    group by all
),

langs as (
    select 'lang' as kind, lang as value, count(*) as articles
    from articles
    group by all
),

topics as (
    select 'topic' as kind, topic as value, count(*) as articles
    from article_topics
    group by all
),

final as (
    select * from outlets
    union all
    select * from langs
    union all
    select * from topics
)

select * from final
order by kind, articles desc, value
