SELECT 'ünïcödé';
