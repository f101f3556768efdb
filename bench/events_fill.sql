-- bench/events_fill.sql - fills a canhgac PostgreSQL store (made by its own
-- migrations) with :n events that arrived over the last :months months,
-- for bench/events_pg.sh. The rows are bench/ingest_client.py's (20
-- agencies, the same sources, kinds, subjects and Vietnamese summary);
-- `search` holds the words canhgac's folding makes of subject and summary
-- (core/text.h: diacritics and case folded, punctuation a separator), and
-- seq grows with the arrival time, as on a live server.
--
-- Loading through the API takes hours on a small machine; this takes
-- minutes: the secondary indexes are dropped and made again after the
-- load, the dedup trigger is off during it and event_keys is filled in
-- one statement after, the running totals are computed at the end.
\set ON_ERROR_STOP 1
INSERT INTO agencies(id, name, kind, code, ip_ranges, created_at, updated_at)
 SELECT i, 'Agency ' || i, 'so_ban_nganh', 'ag' || (i - 1),
        jsonb_build_array('10.' || (i - 1) || '.0.0/16'), 0, 0
 FROM generate_series(1, 20) i ON CONFLICT DO NOTHING;
SELECT setval(pg_get_serial_sequence('agencies', 'id'), 20);
SELECT set_config('fill.n', :'n', false), set_config('fill.months', :'months', false);
SELECT canhgac_event_partitions(
  (extract(epoch FROM now()) * 1000)::bigint
   - (current_setting('fill.months')::numeric * 30.5 * 86400000)::bigint,
  (extract(epoch FROM now()) * 1000)::bigint);
CREATE TEMP TABLE fill_idx AS
 SELECT indexname, indexdef FROM pg_indexes
 WHERE tablename = 'events' AND indexname <> 'events_pkey';
DO $$ DECLARE r record; BEGIN
 FOR r IN SELECT indexname FROM fill_idx LOOP EXECUTE format('DROP INDEX %I', r.indexname); END LOOP;
END $$;
SET session_replication_role = replica; -- no trigger: event_keys after
SELECT setseed(0.42);
DO $$
DECLARE total bigint := current_setting('fill.n')::bigint; chunk bigint := 500000; s bigint := 0;
 nowms bigint := (extract(epoch FROM now()) * 1000)::bigint;
 span bigint := (current_setting('fill.months')::numeric * 30.5 * 86400000)::bigint;
BEGIN
 WHILE s < total LOOP
  INSERT INTO events(seq, producer, id, time, received_at, host, agency, agency_id, system_id,
                     source, kind, severity, subject, summary, evidence, search)
  SELECT g, 'token:1', 'f' || g, r - (random() * 5000)::bigint, r,
   '10.' || a || '.' || floor(random() * 256)::int || '.' || floor(random() * 256)::int,
   NULL, a + 1, NULL,
   (ARRAY['web','malware','dns','secrets','agent'])[1 + floor(random() * 5)::int],
   (ARRAY['defacement','gambling_spam','webshell','dga','state_secret','heartbeat'])[1 + floor(random() * 6)::int],
   floor(random() * 5)::int,
   'https://portal' || a || '.laichau.gov.vn/page/' || p,
   'Phát hiện nội dung lạ trên cổng thông tin: nổ hũ, nhà cái ' || k,
   jsonb_build_object('url', 'https://x/' || g, 'matched', jsonb_build_array('nổ hũ', 'tài xỉu'),
                      'score', random()),
   to_tsvector('simple', 'https portal' || a || ' laichau gov vn page ' || p ||
     ' phat hien noi dung la tren cong thong tin no hu nha cai ' || k)
  FROM (SELECT g, nowms - span + (span * g / total) AS r, floor(random() * 20)::int AS a,
               floor(random() * 1000)::int AS p, floor(random() * 1000000)::int AS k
        FROM generate_series(s + 1, least(s + chunk, total)) g) x;
  s := s + chunk;
  COMMIT;
 END LOOP;
END $$;
RESET session_replication_role;
INSERT INTO event_keys(producer, id, received_at, seq) SELECT producer, id, received_at, seq FROM events;
SELECT setval('events_seq_seq', :n);
SET maintenance_work_mem = '256MB';
DO $$ DECLARE r record; BEGIN
 FOR r IN SELECT replace(indexdef, ' ON ONLY ', ' ON ') AS d FROM fill_idx LOOP EXECUTE r.d; END LOOP;
END $$;
-- every index is back, valid (so made on every partition)
DO $$ BEGIN
 IF (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'events'::regclass AND i.indisvalid AND c.relname <> 'events_pkey')
    <> (SELECT count(*) FROM fill_idx) THEN
  RAISE EXCEPTION 'the events indexes were not all made again';
 END IF;
END $$;
INSERT INTO event_counts(agency_id, day, severity, n)
 SELECT agency_id, time / 86400000, severity, count(*) FROM events GROUP BY 1, 2, 3;
INSERT INTO event_hosts(agency_id, host, last_seen)
 SELECT agency_id, host, max(time) FROM events WHERE source = 'agent' GROUP BY 1, 2;
VACUUM ANALYZE;
