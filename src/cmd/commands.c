/*
 * commands.c - the command table. Adding a command: write cmd_NAME.c with
 * `int cmd_NAME(cg_cli *)`, declare it below, add its row (keep rows in
 * alphabetical order; `canhgac help` prints them in this order), and list
 * the file in meson.build.
 */
#include "cli.h"
#include "cmd_dns_common.h"

int cmd_dns_analyze(cg_cli *cli);
int cmd_dns_dga_train(cg_cli *cli);
int cmd_dns_watch(cg_cli *cli);
int cmd_compliance(cg_cli *cli);
int cmd_demo_seed(cg_cli *cli);
int cmd_agent_enroll(cg_cli *cli);
int cmd_agent_run(cg_cli *cli);
int cmd_agent_status(cg_cli *cli);
int cmd_audit_accounts(cg_cli *cli);
int cmd_backup(cg_cli *cli);
int cmd_backup_keygen(cg_cli *cli);
int cmd_backup_verify(cg_cli *cli);
int cmd_bundle_keygen(cg_cli *cli);
int cmd_bundle_sign(cg_cli *cli);
int cmd_bundle_verify(cg_cli *cli);
int cmd_export_misp(cg_cli *cli);
int cmd_export_national(cg_cli *cli);
int cmd_export_stix(cg_cli *cli);
int cmd_fim_scan(cg_cli *cli);
int cmd_help(cg_cli *cli);
int cmd_intel_export(cg_cli *cli);
int cmd_intel_import(cg_cli *cli);
int cmd_intel_list(cg_cli *cli);
int cmd_quarantine_delete(cg_cli *cli);
int cmd_quarantine_list(cg_cli *cli);
int cmd_quarantine_restore(cg_cli *cli);
int cmd_report(cg_cli *cli);
int cmd_restore(cg_cli *cli);
int cmd_rules_check(cg_cli *cli);
int cmd_scan_malware(cg_cli *cli);
int cmd_scan_exposure(cg_cli *cli);
int cmd_scan_secrets(cg_cli *cli);
int cmd_serve(cg_cli *cli);
int cmd_sign(cg_cli *cli);
int cmd_store_copy(cg_cli *cli);
int cmd_user_add(cg_cli *cli);
int cmd_verify(cg_cli *cli);
int cmd_version(cg_cli *cli);
int cmd_web_baseline(cg_cli *cli);
int cmd_web_check(cg_cli *cli);

#define HELP_COMMON \
	"  --timeout SEC          total time allowed per fetch (default 30)\n"\
	  "  --connect-timeout SEC  time allowed to connect (default 10)\n"\
	  "  --ca-file FILE         trust these CA certificates instead of the system's\n"\
	  "  --parallel N           pages fetched at once, 1-64 (default 16)\n"\
	  "  --url-file FILE        more URLs, one a line ('#' comments)\n"\
	  "  --rules DIR            rules directory (default $CANHGAC_RULES_DIR or the shipped rules/)\n"\
	  "  --lexicon FILE         extra spam terms, one a line, optional weight: '3 no hu' (repeatable)\n"\
	  "  --render               also compare the DOM headless Chromium renders (use for baseline and check)\n"\
	  "  --chromium PROG        browser for --render (default chromium)\n"\
	  "  --chromium-args ARGS   extra space-separated arguments for it\n"

const cg_command cg_commands[] = {
	{ "agent enroll", cmd_agent_enroll,
	  "Enrol this endpoint with the canhgac server (one-time token, pins the server key).",
	  "--server URL --token T [--pin sha256//...] [--ca FILE] [--bundle-key FILE | --bundle-key-text K]",
	  "  --server URL      https://server:port of canhgac serve\n"
	  "  --token T         the one-time enrolment token from the dashboard\n"
	  "  --pin PIN         refuse unless the server key has this pin (else trust on first use)\n"
	  "  --ca FILE         also verify the server certificate against this CA\n"
	  "  --bundle-key FILE the public key rule bundles must be signed with\n"
	  "                    (from 'bundle keygen'); without it bundles are refused\n"
	  "  --bundle-key-text K the same key as text (the key file's line or its hex)\n" },
	{ "agent run", cmd_agent_run,
	  "Run the endpoint agent (file integrity, account audit, spool, upload).",
	  "[--once] [--run-for SECONDS] [--config FILE]",
	  "  --once            one round of every task, then exit\n"
	  "  --run-for S       stop after S seconds\n"
	  "  -c, --config FILE local settings (INI, see docs/agent.md; default\n"
	  "                    DATA_DIR/agent.conf; the package's is /etc/canhgac/agent.ini)\n"
	  "the daemon of dist/canhgac-agent.service; SIGTERM stops it cleanly\n" },
	{ "agent status", cmd_agent_status,
	  "Show the agent's enrolment, last contact with the server and spool depth.", "", "" },
	{ "audit accounts", cmd_audit_accounts,
	  "Audit Linux accounts: UID 0, empty or old passwords, sudoers, SSH keys, login bursts.",
	  "[--root DIR] [--max-age-days N] [--unused-days N]",
	  "  --root DIR            prefix every path (a mounted image, or test fixtures)\n"
	  "  --max-age-days N      password age limit (default 90)\n"
	  "  --unused-days N       login-capable accounts unused this long (default 90)\n"
	  "  --burst-failures N    failed logins that make a burst (default 5) ...\n"
	  "  --burst-minutes M     ... within M minutes, per source or per user (default 10)\n"
	  "  --now TIME            judge as of this RFC 3339 time (default: now)\n"
	  "reads etc/passwd, etc/shadow, etc/group, etc/sudoers(.d), var/log/wtmp,\n"
	  "var/log/lastlog, var/log/auth.log and ~/.ssh/authorized_keys; SSH key\n"
	  "history in DATA/accounts/authorized_keys.json.\n" },
	{ "backup", cmd_backup,
	  "Back up the server's store and data directory while it runs.",
	  "--out FILE [--encrypt-to PUBLIC] [--sign-key SECRET]",
	  "options:\n"
	  "  --out FILE             the backup file to write (refused if it exists)\n"
	  "  --encrypt-to PUBLIC    encrypt it to this key (from 'backup keygen')\n"
	  "  --sign-key SECRET      sign its manifest with this key (from 'bundle keygen')\n"
	  "The store (--store, $CANHGAC_STORE, or DATA_DIR/canhgac.db) is copied in\n"
	  "one snapshot (SQLite's online backup; pg_dump for PostgreSQL), with every\n"
	  "file of --data-dir (blobs, keys), compressed, with a manifest of each\n"
	  "table's rows and checksum and each file's SHA-256.\n" },
	{ "backup keygen", cmd_backup_keygen,
	  "Make a key pair to encrypt backups to (NAME.pub, NAME.key).",
	  "NAME",
	  "Writes NAME.pub (give it to 'backup --encrypt-to') and NAME.key (mode\n"
	  "0600; 'restore --key' needs it: keep it away from the server).\n" },
	{ "backup verify", cmd_backup_verify,
	  "Check a backup: every byte, the manifest, the signature.",
	  "FILE [--key SECRET] [--signer PUBLIC]",
	  "options:\n"
	  "  --key SECRET           the secret key of an encrypted backup\n"
	  "  --signer PUBLIC        require a signature by this key ('bundle keygen')\n"
	  "Exit 0 valid, 1 damaged or not signed by --signer, 2 other errors.\n" },
	{ "bundle keygen", cmd_bundle_keygen,
	  "Make an Ed25519 key pair for signing rule bundles.", "NAME",
	  "Writes NAME.pub (give it to agents) and NAME.key (secret, mode 0600).\n" },
	{ "bundle sign", cmd_bundle_sign,
	  "Sign a rule bundle directory (writes MANIFEST and MANIFEST.sig).",
	  "DIR --key NAME.key --version N",
	  "  -k, --key FILE    the secret key from 'bundle keygen'\n"
	  "  --version N       bundle version; agents refuse any lower one\n" },
	{ "bundle verify", cmd_bundle_verify,
	  "Verify a signed rule bundle; refuse unsigned, tampered, wrong-key or older ones.",
	  "DIR --key NAME.pub [--accept]",
	  "  -k, --key FILE    the trusted public key\n"
	  "  --accept          record the version in DATA/bundle/version (no rollback below it)\n"
	  "exit status: 0 valid, 1 refused (reason given), 2 error\n" },
	{ "compliance", cmd_compliance,
	  "Status of every compliance control (directives, the law) per agency, system and endpoint.",
	  "[--agency ID] [--regime NAME] [--at YYYY-MM-DD] [--rules DIR]",
	  "options:\n"
	  "  -a, --agency ID         one agency (id, code or exact name)\n"
	  "  --regime NAME           this regime (decree85, law2025) instead of the one\n"
	  "                          in force on the evaluation date\n"
	  "  --at YYYY-MM-DD         evaluate as of this date (default: today)\n"
	  "  --rules DIR             the regime directories (default rules/compliance)\n"
	  "One line (--json: one object) per control and subject, then a summary.\n"
	  "Exit 0 when nothing is overdue or missing evidence, 1 when something is,\n"
	  "2 on an error.\n" },
	{ "demo seed", cmd_demo_seed,
	  "Fill the data dir with the demo province (Lai Châu) and a demo admin.",
	  "[--if-empty]",
	  "options:\n"
	  "  --if-empty              seed only when the store holds no agency yet\n"
	  "Adds 52 agencies (provincial departments, the 38 communes and wards\n"
	  "of Lai Châu since 1 July 2025, a state enterprise), 40 information\n"
	  "systems, contact points and findings of every kind; records already\n"
	  "there are left alone. Prints the login of the demo admin (user\n"
	  "\"admin\"), whose generated password is kept in\n"
	  "DATA_DIR/demo-admin.txt (mode 0600).\n" },
	{ "dns analyze", cmd_dns_analyze,
	  "Find infected clients in DNS resolver logs.",
	  "[OPTIONS] LOG...",
	  "Reads BIND, Unbound, dnsmasq, Windows DNS, Zeek, Suricata, CoreDNS\n"
	  "logs and pcap captures (gzip accepted, - is standard input) and\n"
	  "reports clients that query blocklisted names, DGA-like names,\n"
	  "tunnel through DNS or beacon. Exit 0 none, 1 flagged, 2 error.\n"
	  DNS_COMMON_HELP },
	{ "dns dga-train", cmd_dns_dga_train,
	  "Rebuild the DGA model from benign and DGA name lists.",
	  "--words FILE --out MODEL [--report FILE] --benign FILE... --dga FILE...",
	  "  --benign FILE   benign registrable domains, one a line (repeatable)\n"
	  "  --dga FILE      one DGA family's domains, one a line (repeatable;\n"
	  "                  the family is named after the file: dga-NAME.txt)\n"
	  "  --words FILE    the word list for dictionary segmentation\n"
	  "  --out FILE      where to write the model\n"
	  "  --report FILE   the held-out precision/recall table (Markdown)\n"
	  "  --heldout FILE  the held-out names, 'FAMILY<TAB>domain' lines\n" },
	{ "dns watch", cmd_dns_watch,
	  "Follow growing DNS logs and report infected clients as they appear.",
	  "[OPTIONS] LOG...",
	  "Follows logs like tail -F (surviving rotation and truncation) and\n"
	  "writes one event (JSON) per new reason a client gains.\n"
	  "  --from-start          read existing content too (default: only new)\n"
	  "  --interval MS         poll interval (500)\n"
	  "  --duration SECONDS    stop after this long (default: until signalled)\n"
	  DNS_COMMON_HELP },
	{ "export misp", cmd_export_misp,
	  "Write the province's findings as a MISP event, or push it to a MISP instance.",
	  "--out FILE | --push URL --key-file FILE [--since T] [--until T] [--agency ID] [--tlp LEVEL]",
	  "options:\n"
	  "  -o, --out FILE         the event (MISP core format JSON)\n"
	  "  --push URL             POST it to this MISP instance (URL/events/add;\n"
	  "                         an event it already holds is updated)\n"
	  "  --key-file FILE        the instance's auth key (Authorization header)\n"
	  "  --ca-file FILE         the CA that signed the instance's certificate\n"
	  "  --distribution N       MISP distribution 0-4 (default 1: this community)\n"
	  "  --sharing-group ID     the sharing group (with --distribution 4)\n"
	  "  --since T, --until T   findings of this period\n"
	  "  -a, --agency ID        one agency's findings\n"
	  "  --tlp LEVEL            as export stix (default green): the event's tag\n"
	  "  --province NAME        the event's info\n"
	  "The same findings as export stix: domains, addresses and URLs as attributes\n"
	  "(to_ids), file hashes as file objects; stable uuids.\n" },
	{ "export national-report", cmd_export_national,
	  "Write the month's malware statistics per agency for the national monitoring centre.",
	  "--period YYYY-MM --out FILE [--format json|xml] [--map FILE] [--sign KEY --cert FILE]",
	  "options:\n"
	  "  --period YYYY-MM    the month\n"
	  "  -o, --out FILE      the document; with --sign also FILE.p7s\n"
	  "  --format FORMAT     json (default) or xml\n"
	  "  --map FILE          the field names (default rules/national/national-malware.map)\n"
	  "  --sign KEY          a detached CMS signature (FILE.p7s) with this PEM key\n"
	  "  --cert FILE         the signer's certificate\n"
	  "  --province NAME     the province named in the document\n"
	  "Per agency: declared endpoints, hosts infected (endpoint scans, DNS) and the\n"
	  "infection index of the monthly report (docs/sharing.md).\n" },
	{ "export stix", cmd_export_stix,
	  "Write the province's findings as a STIX 2.1 bundle, optionally signed.",
	  "--out FILE [--since T] [--until T] [--agency ID] [--tlp LEVEL] [--sign KEY --cert FILE]",
	  "options:\n"
	  "  -o, --out FILE      the bundle (JSON); with --sign also FILE.p7s\n"
	  "  --since T           findings from this time (2026-11-01 or RFC 3339)\n"
	  "  --until T           findings before this time\n"
	  "  -a, --agency ID     one agency's findings (id, code or exact name)\n"
	  "  --tlp LEVEL         clear, green (default), amber, amber+strict or red:\n"
	  "                      objects of this level or clearer; indicators and\n"
	  "                      malware are green, sightings, agencies and\n"
	  "                      incidents amber\n"
	  "  --sign KEY          a detached CMS signature (FILE.p7s) with this PEM key\n"
	  "  --cert FILE         the signer's certificate\n"
	  "  --province NAME     the producer identity's name\n"
	  "Indicators for malicious domains, addresses, URLs and file hashes from DNS,\n"
	  "malware and web findings, malware families, sightings per agency, incident\n"
	  "cases; the same finding keeps the same STIX id in every export.\n" },
	{ "fim scan", cmd_fim_scan,
	  "File integrity of web roots: hash every file, report new or changed scripts.",
	  "ROOT... [-j N]",
	  "  -j, --threads N   hashing threads (default: the number of cores)\n"
	  "baseline in DATA/fim/baseline; the first run records it and reports nothing.\n"
	  "new/changed .php .phtml .asp(x) .ashx .asmx .jsp(x) .htaccess ... are alerts\n"
	  "(high, exit 1); other files are recorded as info.\n" },
	{ "help", cmd_help, "Show the commands, or one command's options.",
	  "[--man] [COMMAND] | --man-dir DIR",
	  "  --man            the page as a man page (roff), canhgac(1) without COMMAND\n"
	  "  --man-dir DIR    write every man page into DIR (as the build installs them)\n" },
	{ "intel export", cmd_intel_export,
	  "Write the active intelligence hashes or domains as a list the engines read.",
	  "--kind hashes|domains --out FILE",
	  "  --kind hashes    SHA-256 and MD5 hashes named intel:SOURCE, for\n"
	  "                   'scan malware --hashes' and an agent bundle's hashes/\n"
	  "  --kind domains   domains one a line, for 'dns analyze --blocklist'\n"
	  "  -o, --out FILE   the list (written whole or not at all)\n"
	  "Only indicators valid now: an expired one is left out.\n" },
	{ "intel import", cmd_intel_import,
	  "Import threat intelligence (STIX 2.1 bundles, MISP events) into the store.",
	  "FILE... [--source NAME] [--expire-days N]",
	  "options:\n"
	  "  --source NAME       the source the indicators are kept under\n"
	  "                      (default: file:BASENAME)\n"
	  "  --expire-days N     indicators without a valid_until expire N days\n"
	  "                      after their valid_from (MISP has no expiry)\n"
	  "Indicators on domains, IPv4/IPv6 addresses, URLs and MD5/SHA-1/SHA-256\n"
	  "file hashes; the server's DNS analysis matches the active domains like a\n"
	  "blocklist, naming the source. Importing again updates, never duplicates.\n" },
	{ "intel list", cmd_intel_list,
	  "List the threat-intelligence sources in the store with their counts.",
	  "",
	  "One row per source: kind (stix, taxii, misp), indicators, those valid\n"
	  "now, the last pull and its error.\n" },
	{ "quarantine delete", cmd_quarantine_delete,
	  "Delete a quarantined file for good.", "ID", "" },
	{ "quarantine list", cmd_quarantine_list,
	  "List the files moved into quarantine by scan malware --quarantine.", "",
	  "" },
	{ "quarantine restore", cmd_quarantine_restore,
	  "Put a quarantined file back where it was, with its owner and mode.",
	  "ID", "" },
	{ "report", cmd_report,
	  "Write the periodic security report (PDF, DOCX, XLSX) from the store, optionally signed.",
	  "monthly|semiannual|annual|incidents --period P [--agency ID] [--format F]... [--out FILE|DIR]",
	  "options:\n"
	  "  -p, --period P          2026-11 (monthly), 2026-H2 (semiannual, incidents)\n"
	  "                          or 2026 (annual, incidents)\n"
	  "  -a, --agency ID         one agency's own report (id, code or exact name)\n"
	  "  -f, --format F          pdf, docx or xlsx; repeat for several (default pdf)\n"
	  "  -o, --out FILE|DIR      the file, or a directory for several formats\n"
	  "                          (default: the current directory)\n"
	  "  --sign KEY              sign: a PEM key (with --cert) or a pkcs11: URI;\n"
	  "                          the PDF inside (PAdES-B-B), DOCX and XLSX as FILE.p7s\n"
	  "  --cert FILE             the signer's certificate\n"
	  "  --pkcs11-module SO      the token's PKCS#11 module\n"
	  "  --pin-file FILE         the token's PIN (otherwise asked on the terminal)\n"
	  "  --signer-name NAME      the name printed under the signature\n"
	  "  --recommendations FILE  recommendation rules (default rules/report/recommendations.tsv)\n"
	  "Figures are read from the store (--store URL or --data-dir) for the period\n"
	  "and the one before; --lang en writes the report in English.\n" },
	{ "restore", cmd_restore,
	  "Restore a backup into an empty store and data directory.",
	  "FILE [--key SECRET] [--signer PUBLIC]",
	  "options:\n"
	  "  --key SECRET           the secret key of an encrypted backup\n"
	  "  --signer PUBLIC        require a signature by this key\n"
	  "The backup is verified whole first; then the store (--store or\n"
	  "DATA_DIR/canhgac.db; a PostgreSQL database must have no tables) and\n"
	  "--data-dir (absent or empty) are filled; anything there is refused,\n"
	  "never overwritten. Every table's rows and checksum are compared with\n"
	  "the manifest at the end. Start the server afterwards: it migrates.\n" },
	{ "rules check", cmd_rules_check,
	  "Check which YARA rule files compile (community sets too), with FILE:LINE for those that do not.",
	  "PATH...",
	  "each *.yar/*.yara file is compiled alone, with the externals filename,\n"
	  "filepath, extension, filetype and owner defined, includes allowed inside\n"
	  "the directory; exit 0 all compile, 1 some do not, 2 PATH unreadable.\n" },
	{ "scan exposure", cmd_scan_exposure,
	  "Scan sites and hosts: exposed files, admin panels, headers, TLS, open services, versions, factory passwords.",
	  "[OPTIONS] TARGET...",
	  "TARGET: a URL, a host, host:port, an IP address or a CIDR range (at most\n"
	  "256 hosts unless --max-hosts says more). Only GET and HEAD are sent.\n\n"
	  "options:\n"
	  "  --templates DIR   Nuclei-format templates (repeatable; default: the\n"
	  "                    shipped rules/exposure)\n"
	  "  --rate N          requests a second in all (default 100, 0 = no limit)\n"
	  "  --host-rate N     requests a second to one host (default 20, 0 = no limit)\n"
	  "  --parallel N      requests in flight (default 32)\n"
	  "  --timeout S       seconds for one request (default 10)\n"
	  "  --max-hosts N     hosts a CIDR range may hold (default 256)\n"
	  "  --dry-run         print the requests instead of sending them\n"
	  "  --ports LIST|top  TCP connect scan of these ports (21,22,8000-8100) or of\n"
	  "                    the shipped list of commonly exposed ones, with banners\n"
	  "                    and no-password probes (Redis, Memcached, Elasticsearch,\n"
	  "                    MongoDB, anonymous FTP); --rate and --host-rate apply\n"
	  "  --no-tls          skip the TLS handshake check of https targets\n"
	  "  --vuln-feed FILE  NVD CVE JSON 2.0 file (repeatable): versions seen are\n"
	  "                    matched by CPE (known_vulnerability); without it they\n"
	  "                    are checked against the shipped list (outdated_software)\n"
	  "  --kev FILE        CISA Known Exploited Vulnerabilities JSON (with --vuln-feed)\n"
	  "  --credentials     on devices recognised from rules/exposure/credentials\n"
	  "                    (cameras, routers), try their vendor's factory logins:\n"
	  "                    a few at most, one at a time, stopping at the first\n"
	  "                    that works; the password is never printed\n"
	  "A template using a feature canhgac does not run is listed as skipped with\n"
	  "the feature; one that does not load is an error naming FILE:LINE.\n"
	  "Exit: 0 nothing found, 1 findings, 2 error (the other targets still run).\n" },
	{ "scan malware", cmd_scan_malware,
	  "Scan files for web shells and malware (YARA rules, hash signatures, ClamAV).",
	  "[OPTIONS] PATH...",
	  "options:\n"
	  "  --rules PATH      YARA rule file or directory of *.yar (repeatable;\n"
	  "                    default: the shipped rules/malware)\n"
	  "  --hashes FILE     hash signatures: SHA-256/MD5 list, ClamAV .hdb/.hsb,\n"
	  "                    MalwareBazaar CSV (repeatable)\n"
	  "  --clamav PATH     ClamAV databases: a directory of .cvd/.cld/.hdb/.hsb/\n"
	  "                    .ndb/.ldb files (or one such file), in the same scan\n"
	  "                    (kind known-malware, named as ClamAV names it)\n"
	  "  -j, --threads N   scanning threads (default: number of cores)\n"
	  "  --no-cache        read every file (no incremental scan cache)\n"
	  "  --archives        look inside zip, tar, gz, bz2, xz, 7z (bounded)\n"
	  "  --quarantine      move matching files into DATA_DIR/quarantine\n"
	  "  --max-size BYTES  skip (and report) larger files (default 256 MiB)\n"
	  "  --events          print findings as cg_event JSON lines\n"
	  "  --obfuscation     also report scripts that look packed or encoded compared\n"
	  "                    with the other scripts of their root (kind obfuscated)\n"
	  "exit status: 0 clean, 1 matches, 2 error (a file could not be checked)\n" },
	{ "scan secrets", cmd_scan_secrets,
	  "Find documents marked MẬT / TỐI MẬT / TUYỆT MẬT (and uninspectable ones).",
	  "[--threads N] [--json] PATH...",
	  "  -j, --threads N  worker threads (default: number of cores)\n"
	  "  --json           one JSON object per finding, then a summary object\n"
	  "Formats: docx xlsx pptx odt ods odp pdf doc xls ppt rtf eml msg html, text\n"
	  "in UTF-8, UTF-16 (BOM), TCVN3 (.VnTime) and VNI; zip/7z/tar/rar archives.\n"
	  "Encrypted, corrupt or oversized documents are reported as uninspectable.\n"
	  "Exit: 0 none found, 1 markings or uninspectable documents, 2 error.\n" },
	{ "serve", cmd_serve,
	  "Run the central server: HTTP API and dashboard.",
	  "[--config FILE] [--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE] [--no-tls] [--routes]",
	  "options:\n"
	  "  -l, --listen ADDR:PORT  address to listen on (default 127.0.0.1:8443;\n"
	  "                          port 0 picks a free port; the address is printed)\n"
	  "  --tls-cert FILE         PEM certificate (with --tls-key); without them a\n"
	  "                          self-signed one is made in DATA_DIR/tls/ on first run\n"
	  "  --tls-key FILE          PEM private key\n"
	  "  --no-tls                plain HTTP: only allowed on a loopback address\n"
	  "  --routes                print the route table and exit\n"
	  "  --web-interval SEC      portal watcher wake-up period (default 300, 0 = off);\n"
	  "                          a portal is checked when its system's\n"
	  "                          monitor_interval_s has passed (default 300)\n"
	  "  --alert-config FILE     e-mail/webhook alerts for new portal findings (INI\n"
	  "                          [alerts]; default DATA_DIR/alerts.ini when present)\n"
	  "  -c, --config FILE       these options from an INI file: [server] listen,\n"
	  "                          data_dir, store, tls_cert, tls_key, tls (false = no TLS),\n"
	  "                          web_interval, alert_config, log_level (error, warning,\n"
	  "                          info, debug), log_format, job_lease, trusted_proxy,\n"
	  "                          retention_months,\n"
	  "                          and [alerts] itself; the command line\n"
	  "                          wins. SIGHUP re-reads it: log level, web interval and\n"
	  "                          alert channels change at once, the rest at restart\n"
	  "  --job-lease SEC         how long a background job (the portal watch) stays\n"
	  "                          leased to this server without renewal (default 60):\n"
	  "                          another server on the same database takes it over\n"
	  "                          that long after this one dies\n"
	  "  --trusted-proxy CIDR    the reverse proxy (nginx) in front of this server:\n"
	  "                          from it, X-Forwarded-For names the client, whose\n"
	  "                          address the login and enrolment limits count\n"
	  "  --retention-months N    keep the events received in the last N whole months\n"
	  "                          (and this one); older ones are removed by the\n"
	  "                          events-maintenance job (default 0: keep every event)\n"
	  "  --log-format FORMAT     text (default) or json: one JSON object a line with\n"
	  "                          time, level, msg, and for each request (at log level\n"
	  "                          info, -v) its request_id, method, route, status,\n"
	  "                          duration_ms\n"
	  "  --exposure-interval DAYS  scan each system's URLs, domains and addresses\n"
	  "                          for exposures every DAYS days (default 183, 0 = no\n"
	  "                          scheduled scans; \"scan now\" works without them)\n"
	  "  --exposure-interval-level3 DAYS  the same for systems of security level 3\n"
	  "                          and up (default 30). In --config: [exposure]\n"
	  "                          interval_days, interval_days_level3 (SIGHUP: at once)\n"
	  "The database is --store URL, $CANHGAC_STORE, or DATA_DIR/canhgac.db (SQLite,\n"
	  "WAL); PostgreSQL: --store postgresql://HOST/DB. SIGTERM or SIGINT stops\n"
	  "the server after the requests in flight are answered.\n" },
	{ "sign", cmd_sign,
	  "Sign a file: a PDF inside itself (PAdES-B-B), anything else as FILE.p7s (CMS).",
	  "FILE --key KEY [--cert FILE] [--pkcs11-module SO] [--pin-file FILE] [--out FILE] [--detached]",
	  "options:\n"
	  "  -k, --key KEY           PEM private key, or a PKCS#11 token key as a\n"
	  "                          pkcs11: URI (pkcs11:token=...;object=...)\n"
	  "  --cert FILE             the signer's PEM certificate (for a token: read\n"
	  "                          from the token when not given)\n"
	  "  --pkcs11-module SO      the token's PKCS#11 module (default: the modules\n"
	  "                          p11-kit knows)\n"
	  "  --pin-file FILE         the token's PIN (first line); otherwise asked on\n"
	  "                          the terminal. A wrong PIN is never retried\n"
	  "  -o, --out FILE          where to write (default: a PDF is replaced by its\n"
	  "                          signed version; other files get FILE.p7s)\n"
	  "  --detached              a PDF too gets a detached FILE.p7s\n"
	  "  --reason TEXT           the reason written in a PDF signature\n"
	  "Check with 'canhgac verify', pdfsig, or openssl cms -verify -binary -inform DER.\n" },
	{ "store copy", cmd_store_copy,
	  "Copy the server's store from SQLite to PostgreSQL, and check it.",
	  "--from sqlite:PATH --to postgresql://...",
	  "options:\n"
	  "  --from URL              the SQLite store (sqlite:DATA_DIR/canhgac.db)\n"
	  "  --to URL                the PostgreSQL database (its schema is created)\n"
	  "Everything is copied with its ids (users with their password hashes,\n"
	  "sessions, API tokens, audit log, events). Rows already copied are left\n"
	  "alone: running it twice is safe. Each table's row count and checksum are\n"
	  "compared on both sides; exit 2 when any differs. Stop the server first.\n" },
	{ "user add", cmd_user_add,
	  "Create a dashboard/API account.",
	  "NAME --role admin|analyst|officer|viewer [--agency ID] [--generate]",
	  "options:\n"
	  "  -r, --role ROLE         admin, analyst, officer or viewer\n"
	  "  -a, --agency ID         the officer's agency (id, code or exact name)\n"
	  "  --display-name TEXT     the name shown in the dashboard\n"
	  "  --generate              generate and print a password (also when stdin\n"
	  "                          is a terminal); otherwise the first line of\n"
	  "                          standard input is the password (10+ characters)\n" },
	{ "verify", cmd_verify,
	  "Check a file's digital signature and say who signed it and when.",
	  "FILE [--ca FILE] [--signature FILE.p7s]",
	  "options:\n"
	  "  --ca FILE               also require the signer's certificate to chain to\n"
	  "                          these PEM CA certificates\n"
	  "  --signature FILE        the detached signature (default FILE.p7s)\n"
	  "A PDF's own signatures are checked; a file named X.p7s checks X.\n"
	  "Exit: 0 valid, 1 invalid or unsigned, 2 error.\n" },
	{ "version", cmd_version,
	  "Show the version, build options and library versions.", "", "" },
	{ "web baseline", cmd_web_baseline,
	  "Learn what each web page normally looks like (stored in the data dir).",
	  "[OPTIONS] URL...",
	  "Fetches each page several times as a browser and once as Googlebot, Bingbot,\n"
	  "Coc Coc's crawler and a search visitor; learns its stable and changing parts\n"
	  "and the domains it uses. Run again after a legitimate redesign.\n\n"
	  "options:\n"
	  "  --loads N              browser loads to learn from, 2-10 (default 3)\n"
	  HELP_COMMON },
	{ "web check", cmd_web_check,
	  "Check web pages against their baseline: outages, defacement, spam, cloaking.",
	  "[OPTIONS] URL...",
	  "Fetches each page now as a browser, as the crawlers and as a search visitor and\n"
	  "reports: unreachable, timeout, http_status, tls_error, tls_expiry, too_large,\n"
	  "redirect, content_replaced, defacement, spam, hidden_links,\n"
	  "new_external_resource, cloaking, meta_spam. Exit 0 nothing found, 1 findings,\n"
	  "2 error (no baseline, bad URL).\n\n"
	  "options:\n"
	  "  --threshold PCT        content_replaced when less than PCT percent of the page's\n"
	  "                         stable text remains (default 35)\n"
	  HELP_COMMON },
};

const int cg_ncommands = (int)(sizeof cg_commands / sizeof cg_commands[0]);
