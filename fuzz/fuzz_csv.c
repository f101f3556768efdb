/* libFuzzer target: the CSV reader (api/csv) over hostile bytes, with ','
 * and ';' separators. Every field slice must lie inside the reader's
 * buffer; every record is read or refused, and the reader always ends. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "api/csv.h"
#include "api/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int pass = 0; pass < 2; pass++) {
		cg_csv p;
		cg_csv_init(&p, cg_slice_from((const char *)data, size), pass ? ';' : ',');
		bool got;
		size_t guard = 0;
		for (;;) {
			cg_err err = cg_csv_next(&p, &got);
			if (++guard > size + 2)
				abort(); /* no progress */
			if (err == CG_EPARSE)
				continue;
			if (err || !got)
				break;
			for (size_t i = 0; i < cg_csv_nfields(&p); i++) {
				cg_slice f = cg_csv_field(&p, i);
				if (f.len > p.data.len)
					abort();
				json_t *l = cg_inv_split_list(f);
				json_decref(l);
			}
		}
		cg_csv_free(&p);
	}
	return 0;
}
