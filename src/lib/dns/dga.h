/*
 * dga.h - scoring registrable domains for domain-generation algorithms.
 *
 * The unit scored is the label of the registrable domain (the Public
 * Suffix List via libpsl: "x1y2z3" of "a.b.x1y2z3.co.uk"), because that is
 * what a DGA invents; the labels above it are the owner's business (CDNs
 * put random strings there). The model is the project's own, built by
 * `canhgac dns dga-train` from the reference lists (see docs/dns.md):
 *
 *   features  character-trigram log-likelihood under a model of benign
 *             names, and its ratio to one of DGA names; length; Shannon entropy; digit ratio; vowel ratio;
 *             longest consonant run; distinct-character ratio; how much of
 *             the label a dictionary segmentation covers, how many words it
 *             takes, and the long-all-words combination that marks
 *             word-based DGAs (matsnu, rovnix)
 *   combiner  logistic regression on standardised features and their
 *             squares; a threshold
 *             chosen on the training split for about 3% benign false
 *             positives
 *
 * The model file (rules/dns/dga-model.txt) holds the weights, the feature
 * means and deviations, the threshold and the trigram counts; the word list
 * (rules/dns/words.txt) is loaded beside it.
 *
 * Ownership: cg_dns_dga owns everything it loaded; scoring is read-only and
 * thread-safe.
 */
#ifndef CG_DNS_DGA_H
#define CG_DNS_DGA_H

#include <libpsl.h>

#include "core/buf.h"

#define CG_DNS_DGA_NFEAT 12

typedef struct cg_dns_dga cg_dns_dga;

/* Loads RULES_DIR/dga-model.txt and RULES_DIR/words.txt. */
cg_err cg_dns_dga_load(const char *rules_dir, cg_dns_dga **out, cg_buf *why);
void cg_dns_dga_free(cg_dns_dga *m);
/* Probability-like score in [0,1] for one label (lower-case). */
double cg_dns_dga_score(const cg_dns_dga *m, cg_slice label);
/* The same, and the features it was computed from (f may be NULL). */
double cg_dns_dga_score_f(const cg_dns_dga *m, cg_slice label,
			  double f[CG_DNS_DGA_NFEAT]);
/* True when a label is made of dictionary words, as word-based DGAs
 * (suppobox, matsnu) make them: at least 8 characters, no digit, at
 * least 85% covered by at least two words. From cg_dns_dga_features. */
bool cg_dns_dga_wordy(const double f[CG_DNS_DGA_NFEAT]);
/* Scores at or above this are DGA-like. */
double cg_dns_dga_threshold(const cg_dns_dga *m);
void cg_dns_dga_features(const cg_dns_dga *m, cg_slice label,
			 double f[CG_DNS_DGA_NFEAT]);

/* The PSL context (system data file, else libpsl's built-in list); NULL
 * when neither is available. Free with psl_free. */
psl_ctx_t *cg_dns_psl_open(void);
/* The registrable domain of name (NUL-terminated, lower case) and its
 * first label. False for names without one (single labels, public
 * suffixes themselves, IP addresses, reverse zones). */
bool cg_dns_registrable(const psl_ctx_t *psl, const char *name, size_t len,
			cg_slice *domain, cg_slice *label);

/* Builds a model: benign and DGA name lists (one registrable domain a
 * line); a deterministic 80/20 split by name hash. Appends the model file
 * text to model_out and a Markdown precision/recall table of the held-out
 * 20% (per DGA family, named after the file) to report; heldout (may
 * be NULL) gets "FAMILY<TAB>domain" lines of the held-out names ("benign"
 * for benign ones), for client-level evaluations. */
cg_err cg_dns_dga_train(const char *const *benign, int nbenign,
			const char *const *dga, int ndga, const char *words_path,
			cg_buf *model_out, cg_buf *report, cg_buf *heldout,
			cg_buf *why);

#endif
