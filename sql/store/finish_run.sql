update runs set
    finished_at = $finished_at,
    feeds = $feeds,
    new_articles = $new_articles,
    errors = $errors
where run_id = $run_id;
