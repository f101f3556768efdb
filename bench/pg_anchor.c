/*
 * pg_anchor.c - the anchor of bench/ingest.sh on PostgreSQL: plain libpq
 * inserts of the same rows into the same schema.
 *
 *   pg_anchor URL FILE   FILE: one JSON array of events per line (a batch)
 *
 * One prepared INSERT, one transaction per batch, rows sent one by one as
 * text parameters: what a straightforward C program would do. It does the
 * JSON decoding canhgac also does, and stores the same columns (the text
 * search vector made by the server from subject and summary). Prints
 * "events/s VALUE". Benchmark code: not part of canhgac.
 */
#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const sevs[] = {"info", "low", "medium", "high", "critical"};

static void die(PGconn *c, const char *what)
{
	fprintf(stderr, "pg_anchor: %s: %s", what, PQerrorMessage(c));
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: pg_anchor URL FILE\n");
		return 2;
	}
	PGconn *c = PQconnectdb(argv[1]);
	if (PQstatus(c) != CONNECTION_OK)
		die(c, "connect");
	PGresult *r =
	    PQprepare(c, "ins",
	              "INSERT INTO events(id,time,received_at,host,source,kind,severity,"
	              "subject,summary,evidence,search) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,"
	              "$10,to_tsvector('simple',lower($8||' '||$9)))",
	              10, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die(c, "prepare");
	PQclear(r);
	FILE *f = fopen(argv[2], "r");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	/* read every batch first: the timing covers decoding and inserting */
	size_t cap = 0, n = 0;
	char **lines = NULL;
	char *line = NULL;
	size_t lcap = 0;
	while (getline(&line, &lcap, f) > 0) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			lines = realloc(lines, cap * sizeof *lines);
		}
		lines[n++] = strdup(line);
	}
	fclose(f);
	free(line);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t rows = 0;
	for (size_t b = 0; b < n; b++) {
		json_t *arr = json_loads(lines[b], 0, NULL);
		if (!json_is_array(arr)) {
			fprintf(stderr, "pg_anchor: batch %zu is not a JSON array\n", b);
			return 1;
		}
		PQclear(PQexec(c, "BEGIN"));
		size_t i;
		json_t *e;
		json_array_foreach(arr, i, e)
		{
			char tbuf[24], sev[12];
			const char *sv = json_string_value(json_object_get(e, "severity"));
			int s = 0;
			for (int k = 0; k < 5; k++)
				if (sv && strcmp(sv, sevs[k]) == 0)
					s = k;
			snprintf(sev, sizeof sev, "%d", s);
			snprintf(tbuf, sizeof tbuf, "%ld", (long)time(NULL) * 1000);
			char *ev = json_dumps(json_object_get(e, "evidence"), JSON_COMPACT);
			const char *v[10] = {json_string_value(json_object_get(e, "id")),
			                     "0",
			                     tbuf,
			                     json_string_value(json_object_get(e, "host")),
			                     json_string_value(json_object_get(e, "source")),
			                     json_string_value(json_object_get(e, "kind")),
			                     sev,
			                     json_string_value(json_object_get(e, "subject")),
			                     json_string_value(json_object_get(e, "summary")),
			                     ev};
			r = PQexecPrepared(c, "ins", 10, v, NULL, NULL, 0);
			if (PQresultStatus(r) != PGRES_COMMAND_OK)
				die(c, "insert");
			PQclear(r);
			free(ev);
			rows++;
		}
		r = PQexec(c, "COMMIT");
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			die(c, "commit");
		PQclear(r);
		json_decref(arr);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("events/s %.0f\n", (double)rows / s);
	for (size_t b = 0; b < n; b++)
		free(lines[b]);
	free(lines);
	PQfinish(c);
	return 0;
}
