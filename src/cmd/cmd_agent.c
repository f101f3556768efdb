/*
 * cmd_agent.c - `canhgac agent enroll|run|status`: the endpoint agent's
 * commands, thin over src/agent/agent.h (protocol: docs/agent.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/spool.h"
#include "bundle/bundle.h"
#include "cli.h"
#include "core/fileio.h"
#include "core/hex.h"
#include "core/json.h"
#include "core/msg.h"
#include "platform/proc.h"

typedef struct agent_opts {
	const cg_cli *cli;
	const char *server, *token, *pin, *ca, *bundle_key, *bundle_key_text, *config;
	bool once;
	long long run_for;
} agent_opts;

enum {
	O_SERVER = 1,
	O_TOKEN,
	O_PIN,
	O_CA,
	O_ONCE,
	O_RUN_FOR,
	O_BUNDLE_KEY,
	O_CONFIG,
	O_BUNDLE_KEY_TEXT
};

static int on_opt(void *ctx, int id, const char *val)
{
	agent_opts *o = ctx;
	switch (id) {
	case O_SERVER:
		o->server = val;
		break;
	case O_TOKEN:
		o->token = val;
		break;
	case O_PIN:
		o->pin = val;
		break;
	case O_CA:
		o->ca = val;
		break;
	case O_BUNDLE_KEY:
		o->bundle_key = val;
		break;
	case O_BUNDLE_KEY_TEXT:
		o->bundle_key_text = val;
		break;
	case O_CONFIG:
		o->config = val;
		break;
	case O_ONCE:
		o->once = true;
		break;
	case O_RUN_FOR: {
		int64_t v;
		if (cg_parse_i64(cg_slice_cstr(val), 1, 86400 * 365, &v)) {
			cg_cli_usage_error(o->cli, "--run-for wants seconds, not '%s'", val);
			return 1;
		}
		o->run_for = v;
		break;
	}
	}
	return 0;
}

static const cg_opt enroll_opts[] = {
	{ "server", 0, true, O_SERVER },
	{ "token", 0, true, O_TOKEN },
	{ "pin", 0, true, O_PIN },
	{ "ca", 0, true, O_CA },
	{ "bundle-key", 0, true, O_BUNDLE_KEY },
	{ "bundle-key-text", 0, true, O_BUNDLE_KEY_TEXT },
	{ NULL, 0, false, 0 },
};

/* Installs the public key that rule bundles must be signed with. */
static cg_err install_bundle_key(const char *data_dir, const char *file, cg_buf *why)
{
	cg_buf b;
	cg_buf_init(&b, 1024);
	cg_err err = cg_read_file(file, &b, why);
	if (!err && !cg_slice_starts_with(cg_buf_slice(&b), CG_SLICE("canhgac-ed25519-public "))) {
		cg_buf_printf(why, "%s: not a public key from 'canhgac bundle keygen'", file);
		err = CG_EPARSE;
	}
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/bundle-key.pub", data_dir);
	if (!err)
		err = cg_mkdir_p(data_dir, 0700, why);
	if (!err)
		err = cg_write_file_atomic(path, b.ptr, b.len, 0644, why);
	cg_buf_free(&b);
	return err;
}

/* The same key given as text on the command line (the Windows MSI's
 * BUNDLEKEY property: an installer passes properties, not files): the key
 * file's line "canhgac-ed25519-public HEX" or the 64 hex digits alone,
 * spaces around ignored. Written as the key file install_bundle_key
 * writes. Empty means no key: the MSI passes the property whether it was
 * set or not. */
static cg_err install_bundle_key_text(const char *data_dir, const char *text, cg_buf *why)
{
	cg_slice s = cg_slice_trim(cg_slice_cstr(text));
	cg_slice tag = CG_SLICE(CG_ED25519_PUBLIC_TAG " ");
	if (cg_slice_starts_with(s, tag))
		s = cg_slice_trim(cg_slice_from(s.ptr + tag.len, s.len - tag.len));
	unsigned char key[32];
	if (s.len != 2 * sizeof key || !cg_hex_decode(s, key, sizeof key)) {
		cg_buf_printf(why,
		              "--bundle-key-text: not a public key from 'canhgac bundle keygen' "
		              "(want \"%s\" and 64 hex digits)",
		              CG_ED25519_PUBLIC_TAG);
		return CG_EPARSE;
	}
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/bundle-key.pub", data_dir);
	cg_err err = cg_mkdir_p(data_dir, 0700, why);
	if (!err)
		err = cg_keyfile_write(path, CG_ED25519_PUBLIC_TAG, key, sizeof key, 0644, why);
	return err;
}

int cmd_agent_enroll(cg_cli *cli)
{
	agent_opts o = { .cli = cli };
	int rc = cg_cli_parse(cli, enroll_opts, on_opt, &o);
	if (rc >= 0)
		return rc;
	if (!o.server || !o.token || cli->npos)
		return cg_cli_usage_error(cli, "want --server URL and --token T");
	/* files named by options exist before the server is asked anything */
	if (o.ca && access(o.ca, R_OK) != 0)
		return cg_cli_usage_error(cli, "--ca %s: %s", o.ca, cg_tr(strerror(errno)));
	if (o.bundle_key && access(o.bundle_key, R_OK) != 0)
		return cg_cli_usage_error(cli, "--bundle-key %s: %s", o.bundle_key, cg_tr(strerror(errno)));
	cg_agent_creds c;
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err = CG_OK;
	/* the key first: a bad key file must not spend the one-time token */
	if (o.bundle_key && o.bundle_key_text && *o.bundle_key_text)
		return cg_cli_usage_error(cli, "--bundle-key and --bundle-key-text: one key, not two");
	if (o.bundle_key)
		err = install_bundle_key(cli->data_dir, o.bundle_key, &why);
	else if (o.bundle_key_text && *o.bundle_key_text)
		err = install_bundle_key_text(cli->data_dir, o.bundle_key_text, &why);
	if (!err)
		err = cg_agent_enroll(cli->data_dir, o.server, o.token, o.pin, o.ca, &c, &why);
	if (err) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
	} else if (cli->json) {
		json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "server", c.server, "agent_id",
				      c.agent_id, "pin", c.pin, "agency", c.agency);
		cg_buf out;
		cg_buf_init(&out, 1 << 16);
		cg_json_encode(&out, j);
		puts(cg_buf_cstr(&out));
		cg_buf_free(&out);
		json_decref(j);
	} else {
		printf(cg_tr("enrolled with %s as agent %s%s%s\nserver key pin: %s\n"
		             "(compare the pin with the one the server shows; credentials in "
		             "%s/agent.json)\n"),
		       c.server, c.agent_id, c.agency[0] ? cg_tr(", agency ") : "", c.agency, c.pin,
		       cli->data_dir);
	}
	cg_buf_free(&why);
	return err ? CG_EXIT_ERROR : CG_EXIT_OK;
}

static volatile int stop_flag;

static const cg_opt run_opts[] = {
	{ "once", 0, false, O_ONCE },
	{ "run-for", 0, true, O_RUN_FOR },
	{ "config", 'c', true, O_CONFIG },
	{ NULL, 0, false, 0 },
};

int cmd_agent_run(cg_cli *cli)
{
	agent_opts o = { .cli = cli };
	int rc = cg_cli_parse(cli, run_opts, on_opt, &o);
	if (rc >= 0)
		return rc;
	if (cli->npos)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	/* a file asked for by name must be there (only the default
	 * DATA_DIR/agent.conf may be absent) */
	if (o.config && access(o.config, R_OK) != 0)
		return cg_cli_usage_error(cli, "--config %s: %s", o.config, cg_tr(strerror(errno)));
	cg_stop_on_signals(&stop_flag);
	umask(077);
	cg_agent_run_opts ro = { .data_dir = cli->data_dir, .config = o.config, .once = o.once,
				 .run_for_ms = o.run_for * 1000, .stop = &stop_flag };
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err = cg_agent_run(&ro, &why);
	if (err)
		cg_cli_error(cli, "%s", why.len ? cg_buf_cstr(&why) : cg_tr(cg_strerror(err)));
	cg_buf_free(&why);
	return err ? CG_EXIT_ERROR : CG_EXIT_OK;
}

static json_t *read_json(const char *dir, const char *name)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	cg_buf b;
	cg_buf_init(&b, 1 << 20);
	json_t *j = NULL;
	if (cg_read_file(path, &b, NULL) == CG_OK)
		cg_json_parse(cg_buf_slice(&b), &j, NULL);
	cg_buf_free(&b);
	return j;
}

int cmd_agent_status(cg_cli *cli)
{
	int rc = cg_cli_parse(cli, NULL, NULL, NULL);
	if (rc >= 0)
		return rc;
	if (cli->npos)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	json_t *creds = read_json(cli->data_dir, "agent.json");
	if (!creds)
		return cg_cli_error(cli, "%s: not enrolled (no agent.json)", cli->data_dir);
	json_t *state = read_json(cli->data_dir, "state.json");
	json_t *out = json_object();
	json_object_set_new(out, "server", cg_json_cstr(cg_json_get_str(creds, "server")));
	json_object_set_new(out, "agent_id", cg_json_cstr(cg_json_get_str(creds, "agent_id")));
	json_object_set_new(out, "agency", cg_json_cstr(cg_json_get_str(creds, "agency")));
	json_object_set_new(out, "pin", cg_json_cstr(cg_json_get_str(creds, "pin")));
	json_object_set_new(out, "enrolled_at", cg_json_cstr(cg_json_get_str(creds, "enrolled_at")));
	json_t *pid = json_object_get(state, "pid");
	bool running = json_is_integer(pid) && cg_pid_alive((long)json_integer_value(pid));
	json_object_set_new(out, "running", json_boolean(running));
	if (state)
		json_object_set(out, "state", state);
	char sp[PATH_MAX];
	snprintf(sp, sizeof sp, "%s/spool", cli->data_dir);
	cg_spool_opts so = { .read_only = true };
	cg_spool *s = NULL;
	if (cg_spool_open(sp, &so, &s, NULL) == CG_OK) {
		cg_spool_stats st;
		cg_spool_stats_get(s, &st);
		json_object_set_new(out, "spool", json_pack("{s:I,s:I,s:I}", "pending",
							     (json_int_t)st.pending, "bytes",
							     (json_int_t)st.bytes, "segments",
							     (json_int_t)st.segments));
		cg_spool_close(s);
	}
	if (cli->json) {
		cg_buf b;
		cg_buf_init(&b, 1 << 20);
		cg_json_encode(&b, out);
		puts(cg_buf_cstr(&b));
		cg_buf_free(&b);
	} else {
		json_t *spool = json_object_get(out, "spool");
		printf(cg_tr("server:        %s\nagent id:      %s\nagency:        %s\n"
		             "enrolled at:   %s\nrunning:       %s\nlast heartbeat: %s\n"
		             "last upload:   %s\nlast error:    %s\nspool pending: %lld events\n"),
		       cg_json_get_str(out, "server"), cg_json_get_str(out, "agent_id"),
		       cg_json_get_str(out, "agency"), cg_json_get_str(out, "enrolled_at"),
		       running ? cg_tr("yes") : cg_tr("no"),
		       cg_json_get_str(state, "last_heartbeat") ? cg_json_get_str(state, "last_heartbeat") : cg_tr("never"),
		       cg_json_get_str(state, "last_upload") ? cg_json_get_str(state, "last_upload") : cg_tr("never"),
		       cg_json_get_str(state, "last_error") && *cg_json_get_str(state, "last_error") ? cg_json_get_str(state, "last_error") : cg_tr("none"),
		       (long long)json_integer_value(json_object_get(spool, "pending")));
	}
	json_decref(out);
	json_decref(state);
	json_decref(creds);
	return CG_EXIT_OK;
}
