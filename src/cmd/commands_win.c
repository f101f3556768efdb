/*
 * commands_win.c - the command table of the Windows build (docs/windows.md).
 * It lists only the commands whose code has been brought to Windows; the
 * rest of canhgac (the server, the Linux-only audits) is not in this
 * program, so `canhgac.exe help` shows exactly what works. A row moves here
 * (same name, same help text as in commands.c) when its command builds and
 * is tested under Wine.
 */
#include "cli.h"

int cmd_agent_enroll(cg_cli *cli);
int cmd_agent_run(cg_cli *cli);
int cmd_agent_status(cg_cli *cli);
int cmd_agent_service(cg_cli *cli);
int cmd_fim_scan(cg_cli *cli);
int cmd_help(cg_cli *cli);
int cmd_scan_malware(cg_cli *cli);
int cmd_scan_secrets(cg_cli *cli);
int cmd_version(cg_cli *cli);

const cg_command cg_commands[] = {
    {"agent enroll", cmd_agent_enroll,
     "Enrol this endpoint with the canhgac server (one-time token, pins the server key).",
     "--server URL --token T [--pin sha256//...] [--bundle-key FILE | --bundle-key-text K]",
     "  --server URL      https://server:port of canhgac serve\n"
     "  --token T         the one-time enrolment token from the dashboard\n"
     "  --pin PIN         refuse unless the server key has this pin (else trust on first use)\n"
     "  --bundle-key FILE the public key rule bundles must be signed with\n"
     "                    (from 'bundle keygen'); without it bundles are refused\n"
     "  --bundle-key-text K the same key as text (the key file's line or its hex)\n"
     "the agent's token is sealed with DPAPI (machine scope) in DATA_DIR\\agent.json\n"},
    {"agent run", cmd_agent_run, "Run the endpoint agent (file integrity, scans, spool, upload).",
     "[--once] [--run-for SECONDS] [--config FILE]",
     "  --once            one round of every task, then exit\n"
     "  --run-for S       stop after S seconds\n"
     "  -c, --config FILE local settings (INI, see docs/agent.md; default\n"
     "                    DATA_DIR/agent.conf)\n"
     "Ctrl-C (or the console's close) stops it cleanly\n"},
    {"agent status", cmd_agent_status,
     "Show the agent's enrolment, last contact with the server and spool depth.", "", ""},
    {"agent service", cmd_agent_service,
     "Run the agent as a Windows service, or install/remove that service.",
     "[install|uninstall] [--config FILE]",
     "  (no action)      run under the service manager (the service's command line)\n"
     "  install          register the service canhgac-agent: automatic start,\n"
     "                   LocalSystem, restarted on failure, with --data-dir/--config\n"
     "  uninstall        stop and remove it\n"
     "  -c, --config FILE local settings (INI, see docs/agent.md)\n"},
    {"fim scan", cmd_fim_scan,
     "File integrity of web roots: hash every file, report new or changed scripts.",
     "ROOT... [-j N]",
     "  -j, --threads N   hashing threads (default: the number of cores)\n"
     "baseline in DATA/fim/baseline; the first run records it and reports nothing.\n"
     "new/changed .php .phtml .asp(x) .ashx .asmx .jsp(x) .htaccess ... are alerts\n"
     "(high, exit 1); other files are recorded as info.\n"},
    {"help", cmd_help, "Show the commands, or one command's options.",
     "[--man] [COMMAND] | --man-dir DIR",
     "  --man            the page as a man page (roff), canhgac(1) without COMMAND\n"
     "  --man-dir DIR    write every man page into DIR (as the build installs them)\n"},
    {"scan malware", cmd_scan_malware,
     "Scan files for web shells and malware (YARA rules, hash signatures).", "[OPTIONS] PATH...",
     "options:\n"
     "  --rules PATH      YARA rule file or directory of *.yar (repeatable;\n"
     "                    default: the shipped rules/malware)\n"
     "  --hashes FILE     hash signatures: SHA-256/MD5 list, ClamAV .hdb/.hsb,\n"
     "                    MalwareBazaar CSV (repeatable)\n"
     "  -j, --threads N   scanning threads (default: number of cores)\n"
     "  --no-cache        read every file (no incremental scan cache)\n"
     "  --archives        look inside zip, tar, gz (bounded)\n"
     "  --max-size BYTES  skip (and report) larger files (default 256 MiB)\n"
     "  --events          print findings as cg_event JSON lines\n"
     "  --obfuscation     also report scripts that look packed or encoded compared\n"
     "                    with the other scripts of their root (kind obfuscated)\n"
     "Not yet on Windows: --clamav and --quarantine (refused).\n"
     "exit status: 0 clean, 1 matches, 2 error (a file could not be checked)\n"},
    {"scan secrets", cmd_scan_secrets,
     "Find documents marked MẬT / TỐI MẬT / TUYỆT MẬT (and uninspectable ones).",
     "[--threads N] [--json] PATH...",
     "  -j, --threads N  worker threads (default: number of cores)\n"
     "  --json           one JSON object per finding, then a summary object\n"
     "Formats: docx xlsx pptx odt ods odp rtf eml html, text in UTF-8, UTF-16\n"
     "(BOM), TCVN3 (.VnTime) and VNI; zip/tar archives. Not yet on Windows: pdf,\n"
     "doc, xls, ppt, msg (reported as uninspectable).\n"
     "Encrypted, corrupt or oversized documents are reported as uninspectable.\n"
     "Exit: 0 none found, 1 markings or uninspectable documents, 2 error.\n"},
    {"version", cmd_version, "Show the version, build options and library versions.", "", ""},
};

const int cg_ncommands = (int)(sizeof cg_commands / sizeof cg_commands[0]);
