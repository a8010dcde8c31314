-- Topic-spike alerts (spike alerts issue); columns are shown as the alerts view defines them.
select * from alerts
