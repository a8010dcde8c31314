select value from meta where key = $key;
