/*
 * limits.h - every bound canhgac puts on outside input, in one place.
 *
 * Everything canhgac reads is written by someone else, some of it by
 * attackers. Each buffer that holds input is created with one of these as
 * its maximum (see buf.h), so a hostile file, page or request can cost at
 * most this much memory. Engines add their bounds here, grouped by area,
 * with a comment saying why the number is what it is. Never inline a limit
 * in the code that enforces it: name it here.
 */
#ifndef CG_LIMITS_H
#define CG_LIMITS_H

/* ---- core ---------------------------------------------------------- */

/* One line of any line-oriented input (config, logs, CSV). Longer lines
 * are reported and skipped, never truncated silently. */
#define CG_MAX_LINE (64u * 1024u)

/* A configuration file. Real ones are a few KiB. */
#define CG_MAX_CONFIG_BYTES (1u * 1024u * 1024u)

/* Nesting depth accepted in any JSON document we parse. */
#define CG_MAX_JSON_DEPTH 32

/* ---- events (the common shape every engine emits) ------------------ */

/* A sender-chosen event id: printable, no spaces. */
#define CG_MAX_EVENT_ID 64
/* Short fields: host, agency, source, kind, subject. */
#define CG_MAX_EVENT_FIELD 512
/* The human summary line. */
#define CG_MAX_EVENT_SUMMARY 4096
/* Nesting of an event's evidence. Responses embed events (a page: the
 * answer, its items array, the event: three levels) and are encoded with
 * CG_MAX_JSON_DEPTH; this leaves eight levels of room so an accepted
 * event can be shown in every response. Real evidence nests 2-4 levels. */
#define CG_MAX_EVIDENCE_DEPTH 24
/* One event encoded as JSON, evidence included. */
#define CG_MAX_EVENT_JSON (256u * 1024u)

/* ---- server -------------------------------------------------------- */

/* One HTTP request body, after decompression. */
#define CG_MAX_REQUEST_BODY (16u * 1024u * 1024u)
/* Events in one ingest batch. */
#define CG_MAX_BATCH_EVENTS 10000
/* One HTTP response body (a page of 500 events with large evidence). */
#define CG_MAX_RESPONSE_BODY (64u * 1024u * 1024u)
/* Items in one list page (?limit=); the default page is 50. */
#define CG_MAX_LIST_LIMIT 500
#define CG_DEFAULT_LIST_LIMIT 50
/* Entries in one list-valued inventory field (ip_ranges, urls, domains,
 * ips): a large agency has a few dozen ranges. */
#define CG_MAX_INV_LIST 256
/* One inventory text field (name, title, URL, ...). */
#define CG_MAX_INV_FIELD 1024
/* A CSV import: rows and columns per row; a field is at most CG_MAX_LINE. */
#define CG_MAX_CSV_ROWS 100000
#define CG_MAX_CSV_FIELDS 64
/* A session cookie lives this long (a working day plus margin). */
#define CG_SESSION_TTL_S (12 * 3600)
/* Login throttling: failures allowed in the window, per username and per
 * client address, before 429; the store keeps at most CG_LOGIN_TRACKED
 * live windows (a key that finds them all live is treated as over its
 * limit, never evicting a live count; each address adds at most
 * CG_LOGIN_MAX_FAIL_IP usernames per window). api/throttle.h. */
#define CG_LOGIN_WINDOW_S 900
#define CG_LOGIN_MAX_FAIL_USER 5
#define CG_LOGIN_MAX_FAIL_IP 30
#define CG_LOGIN_TRACKED 16384
/* Passwords: bytes accepted (argon2id input) and the minimum length. */
#define CG_MAX_PASSWORD 1024
#define CG_MIN_PASSWORD 10
/* HTTP: simultaneous connections, idle timeout, worker threads, the
 * longest URL (path + query) and the seconds shutdown waits for requests
 * in flight. */
#define CG_HTTP_MAX_CONNECTIONS 512
/* Connections from one client address: an agency's agents may share one
 * NAT address, but their requests are short; a single address holding
 * more is an attack on the others (issue 18.4). */
#define CG_HTTP_MAX_PER_IP 64
/* The whole request head (request line and headers) must arrive within
 * this many seconds of the connection (or of the previous request on a
 * kept-alive one): libmicrohttpd's idle timeout restarts on every byte, so
 * a client trickling a header line at a time would otherwise keep its slot
 * forever. Real clients send a head in well under a second. */
#define CG_HTTP_HEAD_DEADLINE_S 15
#define CG_HTTP_TIMEOUT_S 60
#define CG_HTTP_THREADS 4
#define CG_MAX_URL 8192
/* Named parameters in one route pattern ("/incidents/{id}/tasks/{task}"). */
#define CG_MAX_ROUTE_PARAMS 4
/* Routes counted one by one in GET /metrics (the table has about 80; a
 * row past this is counted with the unmatched requests). */
#define CG_METRICS_MAX_ROUTES 256
/* A request id from the trusted proxy (X-Request-Id) is taken when it is
 * 1 to this many bytes of [A-Za-z0-9._:-]; otherwise one is made. */
#define CG_REQUEST_ID_MAX 64
#define CG_HTTP_DRAIN_S 10
/* Store: SQLite reader connections, and how long a writer waits for a
 * lock held by another process (canhgac user add while serving). */
#define CG_STORE_READERS 4
#define CG_STORE_BUSY_MS 10000
/* PostgreSQL backend: connections in the pool (each used by one thread at
 * a time; the HTTP threads plus background work), opened on first use. */
#define CG_STORE_PG_CONNS 6
/* SQLite page cache per connection: the writer's holds the indexes that
 * ingest touches (the event-id index is written at random places), the
 * readers' the recent pages of the events list. */
#define CG_STORE_WRITER_CACHE_KIB (64 * 1024)
#define CG_STORE_READER_CACHE_KIB (16 * 1024)
/* Job scheduler (store.h cg_job): name/kind length, the retry delay after
 * a failed run (doubled per attempt up to the maximum: a portal or relay
 * that is down is not hammered, and is retried within the hour once it
 * is back), how long a claim is leased before another server may take
 * the job over, and how often an idle runner looks for due jobs. */
#define CG_JOB_NAME_MAX 64
#define CG_JOB_BACKOFF_BASE_MS 10000
#define CG_JOB_BACKOFF_MAX_MS (60 * 60 * 1000)
#define CG_JOB_LEASE_MS 60000
#define CG_JOB_POLL_MS 1000
/* The events-maintenance job (server/events_job.h): how often it runs,
 * and how many months of events partitions (PostgreSQL) exist ahead of
 * the current one, so ingest never meets a month with no partition even
 * if the job is held up for weeks. */
#define CG_EVENTS_JOB_PERIOD_MS (6 * 60 * 60 * 1000)
#define CG_EVENT_MONTHS_AHEAD 2
/* serve --retention-months: the largest retention (100 years) */
#define CG_RETENTION_MONTHS_MAX 1200
/* Blob store (store/blob.h): the largest blob (an uploaded log, a
 * screenshot, an evidence archive), so one upload cannot fill
 * the shared disk. */
#define CG_BLOB_MAX_BYTES (512ull * 1024 * 1024)

/* ---- dns (log analysis) --------------------------------------------- */

/* One log line. Resolver log lines are ~200 bytes; JSON events (eve.json
 * with answers) a few KiB. Longer lines are skipped and counted. */
#define CG_DNS_MAX_LINE (64u * 1024u)
/* Bytes read from a log at a time; lines are split inside this buffer. */
#define CG_DNS_READ_CHUNK (1u * 1024u * 1024u)
/* A query name in text form (RFC 1035: 253 plus the trailing dot). */
#define CG_DNS_MAX_NAME 255
/* A client address in text form (IPv6 with zone fits easily). */
#define CG_DNS_MAX_CLIENT 63
/* Compression pointers followed in one DNS message name (loop guard). */
#define CG_DNS_MAX_POINTERS 16
/* One threat-intelligence file. 1M domains in a hosts file is ~40 MiB. */
#define CG_DNS_MAX_INTEL_ENTRIES (16u * 1024u * 1024u)
/* One threat-intelligence file, decompressed (held whole while parsed). */
#define CG_DNS_MAX_INTEL_BYTES (512u * 1024u * 1024u)
/* Distinct clients tracked in one analysis; past it new clients are
 * counted but not rolled up (reported in the summary). */
#define CG_DNS_MAX_CLIENTS (4u * 1024u * 1024u)
/* Distinct registrable domains scored and tracked. */
#define CG_DNS_MAX_DOMAINS (8u * 1024u * 1024u)
/* Query-name cache entries before it is flushed (a cache, not state). */
#define CG_DNS_NAME_CACHE (1u * 1024u * 1024u)
/* (client, name) pairs tracked for beaconing. */
#define CG_DNS_MAX_BEACON_PAIRS (4u * 1024u * 1024u)
/* (client, domain) pairs tracked for tunnelling. */
#define CG_DNS_MAX_TUNNEL_PAIRS (1u * 1024u * 1024u)
/* Distinct listed names / DGA domains remembered per client. */
#define CG_DNS_MAX_PER_CLIENT 256
/* Lines of a --subnets file. */
#define CG_DNS_MAX_SUBNETS 100000
/* Ranges in one longest-prefix table (every agency's ip_ranges, or a
 * --subnets file): a province declares hundreds. */
#define CG_MAX_PREFIX_RANGES (1u << 20)
/* Server: the size of one DNS log upload. Analyses run one at a time per
 * server, as the "dns-analysis" job (each holds an analyzer: ~100 MB for
 * 10M lines); the job also runs every CG_DNS_SWEEP_MS to pick up an
 * upload whose analyser died. A PUT holds its upload for
 * CG_DNS_PUT_LEASE_MS, renewed while bytes arrive (a server that dies
 * mid-PUT frees it after that). */
#define CG_DNS_MAX_UPLOAD_BYTES (64ll * 1024 * 1024 * 1024)
#define CG_DNS_SWEEP_MS 60000
#define CG_DNS_PUT_LEASE_MS 120000
/* Per uploader (a user or a token): uploads kept and their bytes together.
 * A provider sends a day's log or a few; these stop one account from
 * filling the disk or the registry (delete old uploads to make room). */
#define CG_DNS_MAX_UPLOADS_PER_OWNER 50
#define CG_DNS_MAX_OWNER_BYTES (128ll * 1024 * 1024 * 1024)
/* Pieces of one upload: each PUT's body is one blob, its hash kept in the
 * upload's row (the list is rewritten at each PUT). A PUT carries up to
 * the request body bound, so this leaves room for the largest upload in
 * big pieces and stops a client that sends bytes one at a time. */
#define CG_DNS_MAX_UPLOAD_CHUNKS 16384
/* ---- web (portal monitoring) --------------------------------------- */

/* One fetched page body, after decompression. Government portal pages are
 * 50-500 KiB; 8 MiB leaves room for heavy ones while a hostile or broken
 * server (or a compression bomb) can cost at most this per transfer. */
#define CG_MAX_WEB_PAGE (8u * 1024u * 1024u)
/* HTTP redirects followed per fetch (browsers allow ~20; portals use 1-3). */
#define CG_MAX_WEB_REDIRECTS 8
/* Default connect and total timeouts of one fetch; a server trickling
 * bytes is cut off by the total. Both can be lowered per run. */
#define CG_WEB_CONNECT_TIMEOUT_MS 10000
#define CG_WEB_TOTAL_TIMEOUT_MS 30000
/* Pages fetched at the same time (all their views); bounds memory at
 * CG_MAX_WEB_PARALLEL * views * CG_MAX_WEB_PAGE in the worst case. */
#define CG_MAX_WEB_PARALLEL 64
/* Links, scripts, iframes kept per page; a page with more is noted. */
#define CG_MAX_WEB_RESOURCES 20000
/* Bytes of inline JavaScript examined per page for redirects. */
#define CG_MAX_WEB_INLINE_JS (1u * 1024u * 1024u)
/* Text shingle hashes kept per page and per baseline (sampled). */
#define CG_MAX_WEB_SHINGLES 16384
/* A stored baseline file and a lexicon file. */
#define CG_MAX_WEB_BASELINE_BYTES (4u * 1024u * 1024u)
#define CG_MAX_WEB_LEXICON_BYTES (1u * 1024u * 1024u)
/* Element nesting depth walked in a page (libxml2 itself caps at 256). */
#define CG_MAX_WEB_DEPTH 256
/* Browser fetches taken to learn a baseline (the crawlers add one each). */
#define CG_WEB_BASELINE_LOADS 3
/* ---- files and archives (fs/) --------------------------------------- */

/* Directory entries queued between the walker and its workers. */
#define CG_WALK_QUEUE 4096
/* Archives inside archives, below the file on disk. */
#define CG_ARCHIVE_MAX_DEPTH 5
/* Members of one archive. */
#define CG_ARCHIVE_MAX_ENTRIES 100000u
/* One member, decompressed: members are held in memory while inspected. */
#define CG_ARCHIVE_MAX_ENTRY_BYTES (128u * 1024u * 1024u)
/* Everything expanded from one file on disk, nested members included. */
#define CG_ARCHIVE_MAX_TOTAL_BYTES (1024ull * 1024u * 1024u)
/* Expanded / compressed size of one file on disk. Real documents and logs
 * stay under ~100; zip bombs are in the thousands. Only checked once the
 * expansion passes CG_ARCHIVE_RATIO_FLOOR, so tiny files never trip it. */
#define CG_ARCHIVE_MAX_RATIO 250u
#define CG_ARCHIVE_RATIO_FLOOR (16u * 1024u * 1024u)

/* ---- agent (spool, upload, file integrity, accounts, bundles) ------- */

/* One spooled record: an encoded event plus its framing ("crc32 " + \n). */
#define CG_MAX_SPOOL_RECORD (CG_MAX_EVENT_JSON + 16u)
/* Default bound of the disk spool: days of events from a busy endpoint
 * while the server is unreachable, small next to any disk. */
#define CG_SPOOL_DEFAULT_MAX_BYTES (256ull * 1024u * 1024u)
/* Largest spool segment file; older segments are dropped whole. */
#define CG_SPOOL_MAX_SEGMENT (4u * 1024u * 1024u)
/* One upload batch (before gzip) and its number of events. */
#define CG_MAX_UPLOAD_BATCH_BYTES (4u * 1024u * 1024u)
#define CG_MAX_UPLOAD_BATCH_EVENTS 1000
/* Enrolments one enrolment token allows (max_uses, api_agent.c): one token
 * enrols an agency's fleet through group policy, and a leaked one is
 * bounded. */
#define CG_MAX_ENROLL_TOKEN_USES 10000
/* A server response to the agent (ack, policy, enrolment). */
#define CG_MAX_AGENT_RESPONSE (1u * 1024u * 1024u)
/* Account files: /etc/passwd, shadow, group, sudoers, one authorized_keys. */
#define CG_MAX_ACCOUNT_FILE (16u * 1024u * 1024u)
/* wtmp/lastlog are binary and grow for years; read at most this much. */
#define CG_MAX_WTMP_BYTES (256u * 1024u * 1024u)
/* The auth log read per audit. */
#define CG_MAX_AUTHLOG_BYTES (256u * 1024u * 1024u)
/* Accounts (passwd lines) kept in one audit. */
#define CG_MAX_ACCOUNTS 100000
/* sudoers #include / #includedir nesting. */
#define CG_MAX_SUDOERS_DEPTH 8
/* A bundle manifest and its number of files. */
#define CG_MAX_BUNDLE_MANIFEST (4u * 1024u * 1024u)
#define CG_MAX_BUNDLE_FILES 100000
/* A relative path named by a bundle (core/relpath.h). */
#define CG_MAX_REL_PATH 1024
/* A bundle as the server sends it to an agent (files base64 in JSON):
 * YARA rules, hash lists and lexicons are a few MiB. */
#define CG_MAX_BUNDLE_DOWNLOAD (64u * 1024u * 1024u)
/* Agent policy bounds (api/agent_policy.c): the server refuses a policy
 * outside them and the agent clamps what it applies, so no policy can make
 * an agent spin. Intervals in seconds; scan schedules ("2s", "daily") at
 * least CG_AGENT_MIN_SCHEDULE_S; path lists and one path. */
#define CG_AGENT_MIN_HEARTBEAT_S 2
#define CG_AGENT_MIN_UPLOAD_S 1
#define CG_AGENT_MIN_PASS_S 60
#define CG_AGENT_MIN_SCHEDULE_S 2
#define CG_AGENT_MAX_INTERVAL_S (90 * 86400)
#define CG_AGENT_MAX_POLICY_PATHS 64
#define CG_AGENT_MAX_POLICY_PATH 1024
/* The FIM baseline file (one line per file under the web roots). */
#define CG_MAX_FIM_BASELINE (512u * 1024u * 1024u)
/* inotify watches the agent adds before giving up on live watching of a
 * tree (the periodic hash pass still covers it). */
#define CG_MAX_FIM_WATCHES 200000
/* Scripts FIM hands to the malware scan between two loop turns; more are
 * left to the next scheduled scan (and logged). */
#define CG_MAX_AGENT_SCAN_QUEUE 4096
/* The description of a scan job handed to its child process on Windows
 * (platform/sandbox_win.c): the data directory and up to
 * CG_MAX_AGENT_SCAN_QUEUE paths of up to PATH_MAX bytes, JSON-escaped. */
#define CG_MAX_SANDBOX_REQUEST (CG_MAX_AGENT_SCAN_QUEUE * 4096 * 2 + 65536)
/* The agent service's log file (core/log.h cg_log_to_file; Windows: a
 * service has no standard error): renamed to .1 when it would pass this,
 * so at most twice this is kept. Its stop (platform/service_win.c): the
 * agent is given this long to stop cleanly after the SCM asks before the
 * process reports STOPPED and exits (its spool survives a kill). */
#define CG_MAX_SERVICE_LOG (1u * 1024u * 1024u)
#define CG_SERVICE_STOP_GRACE_MS 10000
/* Findings of scheduled scans remembered (DATA/scans.json) so each is
 * reported once, not at every run. */
#define CG_MAX_AGENT_REPORTED 100000
/* DATA/scans.json itself. */
#define CG_MAX_AGENT_SCANS_STATE (64u * 1024u * 1024u)
/* Antivirus state (platform/av.h): signatures older than this many days
 * are not current (ClamAV databases, Defender without Security Center);
 * products kept from one answer; Defender detections remembered as
 * reported (DATA/antivirus.json) and that file's size. */
#define CG_AV_MAX_SIG_AGE_DAYS 7
#define CG_AV_MAX_PRODUCTS 32
#define CG_AV_MAX_SEEN 4096
#define CG_AV_MAX_STATE (1u * 1024u * 1024u)
/* The "antivirus" field of a heartbeat as the server stores it (encoded). */
#define CG_AV_MAX_HEARTBEAT_JSON (16u * 1024u)

/* ---- malware (src/lib/malware) ------------------------------------ */

/* One YARA rule file. Big public rule sets are a few MiB per file. */
#define CG_MW_MAX_RULE_FILE_BYTES (64u * 1024u * 1024u)
/* Rule files taken from one --rules directory. */
#define CG_MW_MAX_RULE_FILES 4096
/* Files up to this size are read() into a per-worker buffer; larger ones
 * are mmap'ed (libyara guards its own accesses against SIGBUS when a file
 * shrinks under it). Bounds each worker's buffer. Only bytes read are
 * given to the ClamAV prefilter (clamfilter.h): the cap holds the big
 * single-page manuals (nodejs's all.html is 8.4 MB). */
#define CG_MW_READ_MAX (16u * 1024u * 1024u)
/* Files up to this size get a SHA-256 for the scan cache's "content
 * known clean" index (a rewritten but identical PHP file is not rescanned).
 * Web content is small; hashing large binaries on every first scan would
 * cost more than the rare identical rewrite saves. */
#define CG_MW_CONTENT_HASH_MAX (1u * 1024u * 1024u)
/* Default --max-size: larger files are reported as skipped, not scanned.
 * Web shells and injectors are small; a 256 MiB cap still covers
 * installers and most binaries. */
#define CG_MW_DEFAULT_MAX_SIZE (256ull * 1024ull * 1024ull)
/* Entries accepted from all --hashes files together (the full
 * MalwareBazaar export is under a million). */
#define CG_MW_MAX_HASHES 20000000u
/* A scan cache file: 72 bytes a file; 16M files is 1.2 GB. */
#define CG_MW_MAX_CACHE_ENTRIES (16u * 1024u * 1024u)
/* The obfuscation detector (malware/obfuscation.h): bytes of a script
 * deflated to measure its compression ratio (on the stack), the size
 * below which the ratio is not trusted, and the scripts a web root needs
 * for its own baseline (fewer: reference values). */
#define CG_MW_OBF_SAMPLE (64u * 1024u)
#define CG_MW_OBF_MIN_COMPRESS 1024u
#define CG_MW_OBF_MIN_ROOT_FILES 20u
/* A run of non-blank bytes this long is a blob, not code. */
#define CG_MW_OBF_BLOB_RUN 256u
/* Nesting of `include` in YARA rule files (libyara's own limit is 16). */
#define CG_MW_MAX_INCLUDE_DEPTH 16
/* One value of a YARA external variable (filename, filepath, ...);
 * longer values (deep archive member paths) are cut. */
#define CG_MW_MAX_EXTERNAL_LEN 8192u
/* A quarantine metadata file. */
#define CG_MW_MAX_QMETA_BYTES (64u * 1024u)
/* Database files in one --clamav directory (freshclam keeps a handful). */
#define CG_MW_MAX_CLAMAV_FILES 4096
/* File and scan size given to libclamav: above every --max-size that
 * makes sense, so that ClamAV never silently skips what canhgac reads. */
#define CG_MW_CLAMAV_MAX_SCAN (4ull * 1024ull * 1024ull * 1024ull)
/* The ClamAV prefilter (malware/clamfilter.h): literal anchors kept (one
 * per body signature or logical subsignature; a larger database turns it
 * off: it is meant for small hand-made ones), the bytes of an anchor
 * compared (a longer run is cut: a prefix is still a necessary
 * condition), and the hash-signature sizes kept. */
#define CG_MW_CLAMFILTER_MAX_ANCHORS 65536u
#define CG_MW_CLAMFILTER_ANCHOR_LEN 32u
#define CG_MW_CLAMFILTER_MAX_SIZES 1000000u
/* Keys the vector search puts in its 8 buckets one by one, each where it
 * adds the fewest candidates (clamfilter.c); the rest by their first
 * byte (with that many keys every bucket lets most pairs through). */
#define CG_MW_CLAMFILTER_GREEDY_KEYS 128u
/* Its HTML part (malware/clamhtml.h): signature anchors it keeps (more
 * turn it off); the longest stretch without white space it lets go
 * (htmlnorm reads a page 8191 bytes at a time, cut after white space: a
 * shorter stretch is never cut), and in the content of a script or style
 * sheet (the javascript view's bound was checked against clamscan's on
 * such content only); the longest entity name (htmlnorm keeps 1024
 * characters of one and reads the rest as text). */
#define CG_MW_CLAMHTML_MAX_ANCHORS 256u
#define CG_MW_CLAMHTML_MAX_STRETCH 4096u
#define CG_MW_CLAMHTML_MAX_RAW_STRETCH 250u
#define CG_MW_CLAMHTML_MAX_ENTITY 1000u
/* <script> or <style> opened inside another one's content (each is read
 * to its own end again; more send the page to libclamav). */
#define CG_MW_CLAMHTML_MAX_NESTED 16u
/* Address space of the agent's scan child when a bundle brings ClamAV
 * databases (the official ones take about 1.5 GB once compiled). */
#define CG_AGENT_CLAMAV_MEMORY (6ull * 1024ull * 1024ull * 1024ull)

/* ---- secrets (state-secret document scan) -------------------------- */

/* One unit of text weighed as a possible marking: a line, a table cell, a
 * paragraph, a text box. A stamp is one to three words; a longer unit is
 * prose, so its text is dropped as it arrives instead of being held. */
#define CG_SEC_MAX_UNIT 512u
/* A document read whole into memory to be parsed (PDF, OLE2, RTF, e-mail,
 * HTML). Office files are far smaller; a bigger one is reported
 * uninspectable, never silently skipped. */
#define CG_SEC_MAX_DOC_BYTES (128u * 1024u * 1024u)
/* One decoded part: an XML part of an office file, a MIME part, an OLE2
 * stream. Bounded separately so one part cannot take the whole budget. */
#define CG_SEC_MAX_PART_BYTES (64u * 1024u * 1024u)
/* Containers inside containers (zip in mail in zip in ...). */
#define CG_SEC_MAX_DEPTH 4
/* MIME parts in one message (a bomb of empty parts costs CPU only). */
#define CG_SEC_MAX_MIME_PARTS 512
/* Nesting of RTF groups; deeper groups are skipped, not recursed. */
#define CG_SEC_MAX_RTF_DEPTH 256
/* Pages of one PDF whose text is read. */
#define CG_SEC_MAX_PDF_PAGES 5000
/* Pieces in a Word piece table, records in an Excel SST. */
#define CG_SEC_MAX_PIECES 100000
/* One evidence string in a finding (the unit is already bounded). */
#define CG_SEC_MAX_EVIDENCE 600u

/* ---- exposure (vulnerability and exposure scan) --------------------- */

/* One response body kept for matching; the rest of a bigger file (a SQL
 * dump, a backup archive) is not downloaded: its start is what shows it. */
#define CG_XP_MAX_BODY (1u * 1024u * 1024u)
/* One response's header block. */
#define CG_XP_MAX_HEADERS (64u * 1024u)
/* One template file, and the templates of one run. */
#define CG_XP_MAX_TEMPLATE_BYTES (512u * 1024u)
#define CG_XP_MAX_TEMPLATES 20000
/* Paths, matchers, extractors, values in one template (more is refused). */
#define CG_XP_MAX_LIST 256
/* Hosts of one run (a CIDR wider than /24 needs --max-hosts). */
#define CG_XP_DEFAULT_MAX_HOSTS 256
#define CG_XP_MAX_HOSTS 65536
/* Transfers in flight at once, and per host. */
#define CG_XP_MAX_PARALLEL 256
#define CG_XP_PER_HOST_PARALLEL 8
/* Redirects a template may ask to follow. */
#define CG_XP_MAX_REDIRECTS 10
/* Nesting of a DSL expression (parentheses, calls). */
#define CG_XP_MAX_DSL_DEPTH 32
/* Default timeouts of one request and one connect probe. */
#define CG_XP_TIMEOUT_MS 10000
/* A banner read from a service. */
#define CG_XP_MAX_BANNER 4096u
/* Connections in flight during a connect scan, and threads that probe
 * the open ports afterwards. */
#define CG_XP_MAX_CONNECTS 1024
#define CG_XP_PROBE_THREADS 16
/* One vulnerability feed file (NVD publishes a JSON file per year). */
#define CG_XP_MAX_FEED_BYTES (1024u * 1024u * 1024u)
/* Default passwords tried on one device, whatever its data says: few
 * enough that no lockout policy is reached. */
#define CG_XP_MAX_CRED_ATTEMPTS 3
/* A form login that hashes or tokenises the password (ISP fibre modems):
 * requests for its one-time tokens before each attempt, a token's length,
 * the cookies carried from them, and the nesting of its password
 * expression (sha256hex(password+token)...). */
#define CG_XP_MAX_LOGIN_STEPS 4
#define CG_XP_MAX_TOKEN       256
#define CG_XP_MAX_COOKIES     4096
#define CG_XP_MAX_PW_DEPTH    4
/* Extracted values kept per finding. */
#define CG_XP_MAX_EXTRACTED 16
/* The server's scans (server/exposure_job.h): how often a system is due
 * by default, in days (about six months; a month from security level 3
 * up; `serve --exposure-interval`, [exposure] interval_days), the longest
 * period that may be set (ten years), the rate limits
 * it keeps (requests a second in all and per host, transfers in flight),
 * runs taken per job run, and when a run left "running" by a server that
 * died is taken over. */
#define CG_XP_PERIOD_DAYS      183
#define CG_XP_PERIOD_L3_DAYS   30
#define CG_XP_PERIOD_MAX_DAYS  3660
#define CG_XP_SERVER_RATE      20
#define CG_XP_SERVER_HOST_RATE 10
#define CG_XP_SERVER_PARALLEL  8
#define CG_XP_RUNS_PER_JOB     16
#define CG_XP_RUN_STALE_MS     (6LL * 3600000LL)
/* The job's wake-up period when no run is queued. */
#define CG_XP_JOB_PERIOD_MS    (3600LL * 1000LL)
/* --- signatures (sign/) --- */
/* A file signed or verified is read whole: reports and exports are far
 * smaller; a bigger one is refused, not half-signed. */
#define CG_SIGN_MAX_FILE (256u * 1024u * 1024u)
/* Bytes kept in a PDF for the CMS signature (written as twice as many hex
 * digits): the signer's certificate and a chain of two or three fit. */
#define CG_PDF_SIG_BYTES 16384u
/* How far from the end "startxref" is looked for. */
#define CG_PDF_TAIL_SCAN 4096u
/* Nesting of arrays and dictionaries stepped over. */
#define CG_PDF_MAX_DEPTH 32
/* Cross-reference sections followed through /Prev (incremental updates). */
#define CG_PDF_MAX_XREF_CHAIN 64
/* Subsections in one cross-reference section. */
#define CG_PDF_MAX_XREF_SUBSECTIONS 100000
/* Levels of page-tree nodes walked to the first page. */
#define CG_PDF_MAX_PAGE_TREE 32
/* How far before a /ByteRange its object's "N G obj" is looked for (the
 * /Contents hex string may come first). */
#define CG_PDF_MAX_SIGDICT_BACK (256u * 1024u)
/* Signatures checked in one PDF. */
#define CG_PDF_MAX_SIGNATURES 64
/* A PIN read from a file or the terminal. */
#define CG_SIGN_MAX_PIN 256
/* A certificate or key file (PEM). */
#define CG_SIGN_MAX_KEYFILE (1u * 1024u * 1024u)

/* --- documents (report/) --- */
/* Blocks (headings, paragraphs, tables, charts) in one document. */
#define CG_DOC_MAX_BLOCKS 10000
/* Columns of a table, series of a chart. */
#define CG_DOC_MAX_COLS 16
/* Rows of a table, categories of a chart. */
#define CG_DOC_MAX_ROWS 100000
/* One recipient line of "Nơi nhận". */
#define CG_DOC_MAX_CELL 512
/* Recipients listed. */
#define CG_DOC_MAX_RECIPIENTS 64
/* Distinct (agency, host) pairs and web findings a report counts; past
 * it hosts are no longer told apart (counted as seen). */
#define CG_REPORT_MAX_HOSTS 200000u
/* Events a page of a report's scan over PostgreSQL (store.h
 * cg_store_events_scan). */
#define CG_REPORT_SCAN_PAGE 20000
/* Recommendation rules in rules/report/recommendations.tsv. */
#define CG_REPORT_MAX_RECOS 64
/* Obligations (overdue, due soon) listed in a report's compliance section:
 * the most overdue, a few pages for the chairman; the Tuân thủ page lists
 * them all. */
#define CG_REPORT_MAX_COMPLIANCE_ROWS 40

/* ---- backups (store/backup.h) -------------------------------------- */

/* The manifest of a backup, read whole to be checked (one line of JSON
 * per file: a data directory of a million blobs fits). */
#define CG_BACKUP_MAX_MANIFEST (256u * 1024u * 1024u)
/* Plaintext bytes per encrypted chunk of an encrypted backup; a chunk
 * header announcing more than this (+ the tag) is refused unread. */
#define CG_BACKUP_CHUNK (64u * 1024u)
/* ---- triage of events (api/triage.h) ---- */
/* An assignee: a username. */
#define CG_TRIAGE_MAX_ASSIGNEE 64
/* A triage note, in bytes of UTF-8. */
#define CG_TRIAGE_MAX_NOTE 2000
/* Events changed by one bulk triage request (one transaction). */
#define CG_TRIAGE_MAX_BULK 500
/* ---- incident cases (api/incident.h) ---- */
/* A case's title, in bytes. */
#define CG_INC_MAX_TITLE 300
/* A case's description and a comment, in bytes. */
#define CG_INC_MAX_TEXT 20000
/* Systems named by one case. */
#define CG_INC_MAX_SYSTEMS 100
/* The longest a suppression rule lasts, in days (it must expire). */
#define CG_TRIAGE_MAX_SUPPRESS_DAYS 365
/* ---- regulated deadlines (deadline/deadline.h) ---- */
/* A deadline rules file (rules/deadlines/): a few rules and a few years of
 * holidays are some kilobytes. */
#define CG_DEADLINE_MAX_FILE (256u * 1024u)
#define CG_DEADLINE_MAX_LINE 512u
#define CG_DEADLINE_MAX_RULES 16
/* holidays and make-up working days over all years (~15 a year) */
#define CG_DEADLINE_MAX_DAYS 1024
#define CG_DEADLINE_MAX_YEARS 64
/* a rule or recipient name, a time zone name (with NUL) */
#define CG_DEADLINE_MAX_NAME 48
#define CG_DEADLINE_MAX_NOTIFY 8
/* a label or legal basis (UTF-8 bytes, with NUL) */
#define CG_DEADLINE_MAX_TEXT 192
/* How often the incident-deadlines job looks at every case (it also runs
 * at once after a case changes), and how many cases it reads at a time. */
#define CG_INC_DEADLINE_JOB_MS (10LL * 60 * 1000)
#define CG_INC_DEADLINE_PAGE 200
/* How often the alert-delivery job looks at the queue when nothing wakes
 * it (queueing does; a retry due sooner brings it forward). */
#define CG_ALERT_JOB_MS (60LL * 1000)
/* A generated regulated report (Mẫu 03/04), PDF or DOCX, in bytes. */
#define CG_INC_MAX_DOC_BYTES (20u * 1024u * 1024u)
/* An evidence file attached to a case (below the request body limit). */
#define CG_INC_MAX_ATTACH_BYTES (10u * 1024u * 1024u)
/* An attachment's kept name, in bytes with the NUL. */
#define CG_INC_MAX_FILE_NAME 128

/* ---- the public incident report form (api/public_report.h) ---- */
/* Field sizes in bytes of UTF-8. */
#define CG_PR_MAX_WHAT 4000
#define CG_PR_MAX_ADDRESS 500
#define CG_PR_MAX_CONTACT 200
/* Screenshots: how many, and each one's size once decoded. */
#define CG_PR_MAX_SHOTS 3
#define CG_PR_MAX_SHOT_BYTES (2u * 1024u * 1024u)
/* Proof of work: leading zero bits of SHA-256(challenge ":" nonce); 16
 * bits is ~65,000 hashes, a second or so in the page's script. */
#define CG_POW_BITS 16
#define CG_POW_TTL_MS (10 * 60 * 1000)
/* Challenges one address may take per window: each report needs one. */
#define CG_PR_MAX_PER_WINDOW 10
#define CG_PR_WINDOW_MS (60 * 60 * 1000)

/* ---- drills (drill/drill.h) ---- */
#define CG_DRILL_MAX_SCENARIO 500
#define CG_DRILL_MAX_PARTICIPANTS 1000
#define CG_DRILL_MAX_FINDINGS 4000
/* Systems of this security level and above need a drill every year
 * (Directive 18/CT-TTg 2022: live drills yearly for level 3+). */
#define CG_DRILL_MIN_LEVEL 3

/* Tables `store copy` copies and reports on (store/copy.h); a table
 * list longer than this fails to compile, never overflows. */
#define CG_COPY_MAX_TABLES 64
/* ---- STIX 2.1 export (share/stix.h) ---- */
/* Objects in one bundle: a bound on memory, far above a province's year
 * of findings (100,000 indicators export in well under this). */
#define CG_STIX_MAX_OBJECTS 2000000
/* Observables taken from one event (a DGA client lists many names). */
#define CG_STIX_MAX_PER_EVENT 64
/* Distinct hosts counted per sighting. */
#define CG_STIX_MAX_HOSTS 100000
/* Events read per store page while exporting. */
#define CG_STIX_PAGE 500
/* One bundle's JSON text (a file, an API answer). */
#define CG_STIX_MAX_FILE (1024u * 1024u * 1024u)
/* ---- compliance controls (compliance/compliance.h) ---- */
/* One control file (rules/compliance/REGIME/NAME.ini) and one line of it. */
#define CG_COMPLIANCE_MAX_FILE (256u * 1024u)
#define CG_COMPLIANCE_MAX_LINE 2048u
/* Controls in one regime (all its files together). */
#define CG_COMPLIANCE_MAX_CONTROLS 64
/* Files in one regime directory, regimes in the rules directory. */
#define CG_COMPLIANCE_MAX_FILES 32
#define CG_COMPLIANCE_MAX_REGIMES 8
/* A control id, regime name, record kind or recipient (with NUL). */
#define CG_COMPLIANCE_MAX_NAME 48
#define CG_COMPLIANCE_MAX_NOTIFY 8
/* A title, an explanation, a document or article (UTF-8 bytes, with NUL). */
#define CG_COMPLIANCE_MAX_TEXT 600
/* How far ahead a warning may start, in days. */
#define CG_COMPLIANCE_MAX_WARN_DAYS 366
/* Records and findings read per agency when gathering evidence. */
#define CG_COMPLIANCE_MAX_EVENTS 2000
/* An endpoint whose agent has not reported for this many days fails the
 * endpoint controls (a few missed heartbeats are not a breach). */
#define CG_COMPLIANCE_AGENT_OFFLINE_DAYS 7
/* A record's assessor and note (bytes of UTF-8). */
#define CG_COMPLIANCE_MAX_RECORD_TEXT 2000
/* A file attached to a compliance record (an outside assessor's report):
 * streamed to the blob store, so below the request bound. */
#define CG_COMPLIANCE_MAX_FILE_BYTES (10u * 1024u * 1024u)
/* An agency's contact point as the portal check compares it: national
 * phone digits and an e-mail address, with the NUL. */
#define CG_CONTACT_MAX_PHONE 16
#define CG_CONTACT_MAX_EMAIL 256
/* Contact points of one agency the portal check looks for. */
#define CG_CONTACT_MAX_POINTS 16
/* The portal check stores its result again at least this often while it
 * does not change, so the evidence's date stays fresh. */
#define CG_CONTACT_CHECK_REFRESH_MS (24LL * 3600 * 1000)
/* The name of a record's subject (an agency's or a system's), in bytes. */
#define CG_COMPLIANCE_MAX_SUBJECT 1024

/* ---- syslog forwarding (syslog/syslog.h) ---- */
/* One formatted syslog message. A CEF line is bounded by the event's own
 * field limits (under 16 KiB escaped); an RFC 5424 JSON message larger
 * than this is sent without its evidence (marked so). Under the largest
 * UDP datagram (65,507 bytes), so every message fits one. rsyslog's
 * default maxMessageSize is 8 KiB: receivers should raise it to 64k. */
#define CG_SYSLOG_MSG_MAX 60000u
/* Destinations ([forward.NAME] sections) and the entries of a filter list. */
#define CG_FWD_MAX_DESTS 8
#define CG_FWD_MAX_FILTER 32
#define CG_FWD_NAME_MAX 48
/* Events read from the store per batch (at most one batch is sent again
 * after a crash: the cursor moves per acknowledged batch; a larger one
 * means fewer waits for the receiver's last acknowledgement, which on
 * loopback cost more than formatting), and the longest a batch may wait
 * for a slow receiver to acknowledge more before the job gives up and
 * retries with backoff. */
#define CG_FWD_BATCH 10000
#define CG_FWD_IO_TIMEOUT_MS 10000
/* The longest one run of a destination's job sends before it lets the
 * scheduler's other jobs have a turn (it is due again at once). */
#define CG_FWD_TURN_MS 2000
/* How often each destination's job runs when it has caught up. */
#define CG_FWD_PERIOD_MS 2000

/* ---- incident playbooks (playbook/playbook.h) ---- */
/* One playbook file (rules/playbooks/NAME.txt): a dozen steps with their
 * checklists are a few kilobytes. */
#define CG_PLAYBOOK_MAX_FILE (64u * 1024u)
#define CG_PLAYBOOK_MAX_LINE 512u
/* files (playbooks) in the directory, steps of one playbook, checklist
 * items of one step, kinds and systems one playbook names */
#define CG_PLAYBOOK_MAX 64
#define CG_PLAYBOOK_MAX_STEPS 24
#define CG_PLAYBOOK_MAX_CHECKS 8
#define CG_PLAYBOOK_MAX_KINDS 4
#define CG_PLAYBOOK_MAX_SYSTEMS 16
/* a playbook, step or role name, a system domain (with NUL) */
#define CG_PLAYBOOK_MAX_NAME 64
#define CG_PLAYBOOK_MAX_DOMAIN 256
/* a title or checklist item (UTF-8 bytes, with NUL; a task title is at
 * most CG_INC_MAX_TITLE) */
#define CG_PLAYBOOK_MAX_TEXT 300
/* ---- regulated report templates (api/form_template.h) ---- */
/* One template file (rules/forms/NAME.txt): a form of thirty items is
 * about three kilobytes. */
#define CG_FORM_MAX_FILE (64u * 1024u)
#define CG_FORM_MAX_LINE 1024u
/* templates in the directory; blocks (headings, items, paragraphs,
 * tables) of one form; recipients ("Nơi nhận") of one form */
#define CG_FORM_MAX 16
#define CG_FORM_MAX_BLOCKS 96
#define CG_FORM_MAX_RECIPIENTS 8
/* a form or source name such as "mau-03" (with NUL) */
#define CG_FORM_MAX_NAME 32
/* a label, heading, paragraph or header text (UTF-8 bytes, with NUL) */
#define CG_FORM_MAX_TEXT 600
/* ---- automatic incident cases (incident/autocase.h) ---- */
#define CG_AUTOCASE_MAX_FILE (64u * 1024u)
#define CG_AUTOCASE_MAX_LINE 512u
#define CG_AUTOCASE_MAX_RULES 32
#define CG_AUTOCASE_MAX_NAME 64
#define CG_AUTOCASE_MAX_LIST 8 /* sources or kinds one rule names */
/* how often the incident-auto job looks at the queue, and how many new
 * findings it reads at a time */
#define CG_AUTOCASE_JOB_MS (60LL * 1000)
#define CG_AUTOCASE_PAGE 500
/* ---- sandboxed parsers (sandbox/sandbox.h, server/privsep.h) ---- */
/* One framed message between the server and a parser child (a CSV row
 * of CG_MAX_CSV_FIELDS long fields, a DNS finding with its evidence). */
#define CG_SANDBOX_MAX_MSG (4u * 1024u * 1024u)
/* The request a parser child is handed (options and paths, no input). */
#define CG_SANDBOX_MAX_REQUEST (64u * 1024u)
/* The DNS analysis of an upload: address space, CPU and wall-clock time.
 * The analyzer's tables are bounded (dns section above); a day of a
 * province resolver's log takes minutes, not hours. */
#define CG_PRIVSEP_DNS_MEMORY (4ull * 1024u * 1024u * 1024u)
#define CG_PRIVSEP_DNS_CPU_S 7200
#define CG_PRIVSEP_DNS_DEADLINE_MS (3ll * 3600 * 1000)
/* A parser run inside an HTTP request (CSV import, attachment type):
 * its input is one request body (CG_MAX_REQUEST_BODY). */
#define CG_PRIVSEP_REQ_MEMORY (1024ull * 1024u * 1024u)
#define CG_PRIVSEP_REQ_CPU_S 60
#define CG_PRIVSEP_REQ_DEADLINE_MS 60000
/* The sandboxed renderer of documents (privsep kind "render",
 * report/doc_json.h): the model it is handed (a monthly report with its
 * tables is a few MiB of JSON) and the file it sends back (a PDF or DOCX,
 * as large as a signed file may be, sign/sign.h), in frames of
 * CG_RENDER_CHUNK raw bytes. */
#define CG_RENDER_MAX_MODEL (32u * 1024u * 1024u)
#define CG_RENDER_MAX_OUTPUT (64u * 1024u * 1024u)
#define CG_RENDER_CHUNK (1024u * 1024u)
/* ---- threat intelligence in (share/intel.h) ---- */
/* One STIX bundle, TAXII page or MISP document read (file or answer). */
#define CG_INTEL_MAX_INPUT (256u * 1024u * 1024u)
/* Indicators kept from one input, and active ones loaded by an engine. */
#define CG_INTEL_MAX_INDICATORS 2000000
/* One STIX pattern, one value (a URL is the longest). */
#define CG_INTEL_PATTERN_MAX 8192u
#define CG_INTEL_VALUE_MAX 2048u
/* Comparisons taken from one pattern. */
#define CG_INTEL_MAX_PER_PATTERN 64
/* A source's name ([intel.NAME], a file's name) and its text fields. */
#define CG_INTEL_NAME_MAX 64
#define CG_INTEL_TEXT_MAX 1024u
/* [intel.NAME] sections, their default and smallest pull interval, and
 * how long one pull's HTTP exchange may take. */
#define CG_INTEL_MAX_FEEDS 16
#define CG_INTEL_PERIOD_S 3600
#define CG_INTEL_MIN_PERIOD_S 10
#define CG_INTEL_HTTP_TIMEOUT_S 60
/* TAXII objects asked for per page (a feed's page_size at most), and
 * pages fetched in one pull (each up to the server's limit). */
#define CG_INTEL_TAXII_PAGE 1000
#define CG_INTEL_MAX_PAGES 1000
/* A MISP feed's manifest: events listed, and event files fetched in one
 * pull (the rest, newer, in the next pulls). */
#define CG_INTEL_FEED_MAX_EVENTS 1000000
#define CG_INTEL_FEED_EVENTS_PER_PULL 2000
/* The sandboxed reader of one fetched intelligence document (privsep
 * kind "intel", server/intel_privsep.h): jansson's tree of a
 * CG_INTEL_MAX_INPUT document takes several times its size, and a large
 * bundle is read in seconds, not minutes (the deadline also bounds how
 * long a stopping server waits for a pull in progress). Its answers come in ITEM
 * frames of about CG_INTEL_WIRE_BATCH bytes of JSON (an item is at most
 * a few tens of KiB escaped: well under CG_SANDBOX_MAX_MSG). */
#define CG_PRIVSEP_INTEL_MEMORY (4ull * 1024u * 1024u * 1024u)
#define CG_PRIVSEP_INTEL_CPU_S 120
#define CG_PRIVSEP_INTEL_DEADLINE_MS (2ll * 60 * 1000)
#define CG_INTEL_WIRE_BATCH (1024u * 1024u)
/* The active hashes served to the agents (server/agent_intel.h): hashes
 * listed (SHA-256 and MD5 lines of about 100 bytes), the list's size
 * (the agent refuses a longer answer), and how long the server keeps
 * one list before building it again from the store. */
#define CG_AGENT_INTEL_MAX_HASHES 500000
#define CG_AGENT_INTEL_MAX_BYTES (64u * 1024u * 1024u)
#define CG_AGENT_INTEL_CACHE_MS 10000
/* [misp.NAME] push destinations (server/misp_job.h), and how much of an
 * instance's answer is read. */
#define CG_MISP_MAX_DESTS 8
#define CG_MISP_ANSWER_MAX (1u << 20)
/* Events one push reads after its cursor (the rest: the next run, at once). */
#define CG_MISP_PUSH_EVENTS 100000
/* The TAXII server's built collections kept (per TLP level and agency
 * scope), and how long one is served at most without being rebuilt. */
#define CG_TAXII_CACHE_SLOTS 16
#define CG_TAXII_CACHE_MS 60000

/* The national malware-statistics report's field mapping
 * (rules/national/national-malware.map, share/natreport.h): lines mapped,
 * the length of an element or key name, and the map file's size. */
#define CG_NATMAP_MAX_FIELDS 64
#define CG_NATMAP_NAME_MAX 64
#define CG_NATMAP_MAX_FILE (64u * 1024u)
/* The report document itself (512 agencies of a few hundred bytes). */
#define CG_NATREPORT_MAX_DOC (4u << 20)
/* A delivery's URL, the centre's answer and the error kept with it
 * (store_natreport.h), and how much of an answer is read. */
#define CG_NATDELIV_TEXT_MAX 2048
#define CG_NATDELIV_ANSWER_MAX (64u * 1024u)
#define CG_NATDELIV_TIMEOUT_S 60

#endif
