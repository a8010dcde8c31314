-- How many of the alerts in `batch_alerts` are not recorded yet.
select count(*)
from batch_alerts as s
anti join alerts_raw as a on a.day = s.day and a.topic = s.topic and a.lang = s.lang;
