/*
 * av_win.c - platform/av.h on Windows: the Security Center's antivirus
 * products (IWSCProductList, COM), WMI where it has none, and Defender's
 * detections (WMI).
 *
 * This file only fetches: COM answers become JSON rows or the plain values
 * IWscProduct returns, and av_decode.c decides (so the decisions are
 * tested where Wine cannot answer). iwscapi.h is not in mingw-w64, so the
 * two interfaces are declared here from their documented layout: both
 * derive from IDispatch (slots 0-6), their own methods follow in header
 * order; the GUIDs are Microsoft's.
 *
 * COM is initialised per call (multithreaded apartment; a caller already
 * in another apartment is fine) and everything is released before
 * returning, so the agent loop can call these from its one thread.
 */
#include "platform/av.h"

#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <wbemidl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "platform/wtext.h"

#define WSC_SECURITY_PROVIDER_ANTIVIRUS 0x4

static const CLSID clsid_wsc_product_list = {
    0x17072f7b, 0x9abe, 0x4a74, {0xa2, 0x61, 0x1e, 0xb7, 0x6b, 0x55, 0x10, 0x7a}};
static const IID iid_wsc_product_list = {
    0x722a338c, 0x6e8e, 0x4e72, {0xac, 0x27, 0x14, 0x17, 0xfb, 0x0c, 0x81, 0xc2}};

typedef struct wsc_product wsc_product;
typedef struct {
	HRESULT(STDMETHODCALLTYPE *QueryInterface)(wsc_product *, REFIID, void **);
	ULONG(STDMETHODCALLTYPE *AddRef)(wsc_product *);
	ULONG(STDMETHODCALLTYPE *Release)(wsc_product *);
	void *dispatch[4]; /* IDispatch: not used */
	HRESULT(STDMETHODCALLTYPE *get_ProductName)(wsc_product *, BSTR *);
	HRESULT(STDMETHODCALLTYPE *get_ProductState)(wsc_product *, int *);
	HRESULT(STDMETHODCALLTYPE *get_SignatureStatus)(wsc_product *, int *);
	HRESULT(STDMETHODCALLTYPE *get_RemediationPath)(wsc_product *, BSTR *);
	HRESULT(STDMETHODCALLTYPE *get_ProductStateTimestamp)(wsc_product *, BSTR *);
} wsc_product_vtbl;
struct wsc_product {
	const wsc_product_vtbl *lpVtbl;
};

typedef struct wsc_list wsc_list;
typedef struct {
	HRESULT(STDMETHODCALLTYPE *QueryInterface)(wsc_list *, REFIID, void **);
	ULONG(STDMETHODCALLTYPE *AddRef)(wsc_list *);
	ULONG(STDMETHODCALLTYPE *Release)(wsc_list *);
	void *dispatch[4];
	HRESULT(STDMETHODCALLTYPE *Initialize)(wsc_list *, ULONG);
	HRESULT(STDMETHODCALLTYPE *get_Count)(wsc_list *, LONG *);
	HRESULT(STDMETHODCALLTYPE *get_Item)(wsc_list *, ULONG, wsc_product **);
} wsc_list_vtbl;
struct wsc_list {
	const wsc_list_vtbl *lpVtbl;
};

static json_t *json_of_bstr(BSTR b)
{
	char *s = cg_utf8_of_w(b);
	json_t *j = s ? cg_json_cstr(s) : json_null();
	free(s);
	return j;
}

/* ---- COM lifetime ------------------------------------------------------ */

static bool com_begin(cg_buf *why)
{
	HRESULT hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	if (hr == RPC_E_CHANGED_MODE)
		return false; /* usable, but not ours to uninitialise */
	if (FAILED(hr)) {
		cg_buf_printf(why, "COM: CoInitializeEx failed (0x%08lx); ", (unsigned long)hr);
		return false;
	}
	/* WMI wants impersonation; a process may set this only once, later
	 * calls answer RPC_E_TOO_LATE, which is fine. */
	CoInitializeSecurity(NULL, -1, NULL, NULL, RPC_C_AUTHN_LEVEL_DEFAULT,
	                     RPC_C_IMP_LEVEL_IMPERSONATE, NULL, EOAC_NONE, NULL);
	return true;
}

static void com_end(bool mine)
{
	if (mine)
		CoUninitialize();
}

/* ---- Security Center ---------------------------------------------------- */

static cg_err wsc_products(json_t *arr, cg_buf *why)
{
	wsc_list *list = NULL;
	HRESULT hr = CoCreateInstance(&clsid_wsc_product_list, NULL, CLSCTX_INPROC_SERVER,
	                              &iid_wsc_product_list, (void **)&list);
	if (FAILED(hr) || !list) {
		cg_buf_printf(why, "Security Center: no product list (0x%08lx); ",
		              (unsigned long)hr);
		return CG_ENOTFOUND;
	}
	LONG n = 0;
	hr = list->lpVtbl->Initialize(list, WSC_SECURITY_PROVIDER_ANTIVIRUS);
	if (SUCCEEDED(hr))
		hr = list->lpVtbl->get_Count(list, &n);
	if (FAILED(hr)) {
		cg_buf_printf(why, "Security Center: cannot list antivirus products (0x%08lx); ",
		              (unsigned long)hr);
		list->lpVtbl->Release(list);
		return CG_EIO;
	}
	for (LONG i = 0; i < n && i < CG_AV_MAX_PRODUCTS; i++) {
		wsc_product *p = NULL;
		if (FAILED(list->lpVtbl->get_Item(list, (ULONG)i, &p)) || !p)
			continue;
		BSTR name = NULL, stamp = NULL;
		int state = -1, sig = -1;
		p->lpVtbl->get_ProductName(p, &name);
		if (FAILED(p->lpVtbl->get_ProductState(p, &state)))
			state = -1;
		if (FAILED(p->lpVtbl->get_SignatureStatus(p, &sig)))
			sig = -1;
		p->lpVtbl->get_ProductStateTimestamp(p, &stamp);
		char *n8 = cg_utf8_of_w(name), *t8 = cg_utf8_of_w(stamp);
		json_array_append_new(arr, cg_av_product_wsc(n8 ? n8 : "", state, sig, t8));
		free(n8);
		free(t8);
		SysFreeString(name);
		SysFreeString(stamp);
		p->lpVtbl->Release(p);
	}
	list->lpVtbl->Release(list);
	return CG_OK;
}

/* ---- WMI ------------------------------------------------------------------ */

static json_t *json_of_variant(const VARIANT *v)
{
	switch (V_VT(v)) {
	case VT_BSTR:
		return json_of_bstr(V_BSTR(v));
	case VT_BOOL:
		return json_boolean(V_BOOL(v) != VARIANT_FALSE);
	case VT_I1:
		return json_integer(V_I1(v));
	case VT_UI1:
		return json_integer(V_UI1(v));
	case VT_I2:
		return json_integer(V_I2(v));
	case VT_UI2:
		return json_integer(V_UI2(v));
	case VT_I4:
	case VT_INT:
		return json_integer(V_I4(v));
	case VT_UI4:
	case VT_UINT:
		return json_integer(V_UI4(v));
	case VT_I8:
		return json_integer(V_I8(v));
	case VT_UI8:
		return json_integer((json_int_t)V_UI8(v));
	case VT_ARRAY | VT_BSTR: {
		json_t *a = json_array();
		SAFEARRAY *sa = V_ARRAY(v);
		LONG lo, hi;
		if (SafeArrayGetLBound(sa, 1, &lo) == S_OK &&
		    SafeArrayGetUBound(sa, 1, &hi) == S_OK)
			for (LONG i = lo; i <= hi && i - lo < 256; i++) {
				BSTR b = NULL;
				if (SafeArrayGetElement(sa, &i, &b) == S_OK) {
					json_array_append_new(a, json_of_bstr(b));
					SysFreeString(b);
				}
			}
		return a;
	}
	default:
		return json_null();
	}
}

/* Every non-system property of every object the query returns, as
 * [{name: value}]; at most max rows. */
static cg_err wmi_rows(const wchar_t *ns, const wchar_t *wql, size_t max, json_t **rows,
                       cg_buf *why)
{
	IWbemLocator *loc = NULL;
	IWbemServices *svc = NULL;
	IEnumWbemClassObject *en = NULL;
	*rows = NULL;
	HRESULT hr = CoCreateInstance(&CLSID_WbemLocator, NULL, CLSCTX_INPROC_SERVER,
	                              &IID_IWbemLocator, (void **)&loc);
	BSTR bns = SysAllocString(ns), lang = SysAllocString(L"WQL"), q = SysAllocString(wql);
	if (SUCCEEDED(hr))
		hr = IWbemLocator_ConnectServer(loc, bns, NULL, NULL, NULL, 0, NULL, NULL, &svc);
	if (SUCCEEDED(hr))
		hr = CoSetProxyBlanket((IUnknown *)svc, RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE, NULL,
		                       RPC_C_AUTHN_LEVEL_CALL, RPC_C_IMP_LEVEL_IMPERSONATE, NULL,
		                       EOAC_NONE);
	if (SUCCEEDED(hr))
		hr = IWbemServices_ExecQuery(
		    svc, lang, q, WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY, NULL, &en);
	if (SUCCEEDED(hr)) {
		*rows = json_array();
		IWbemClassObject *obj = NULL;
		ULONG got = 0;
		while (json_array_size(*rows) < max &&
		       IEnumWbemClassObject_Next(en, 30000, 1, &obj, &got) == S_OK && got == 1) {
			json_t *row = json_object();
			BSTR name = NULL;
			VARIANT v;
			IWbemClassObject_BeginEnumeration(obj, WBEM_FLAG_NONSYSTEM_ONLY);
			while (IWbemClassObject_Next(obj, 0, &name, &v, NULL, NULL) ==
			       WBEM_S_NO_ERROR) {
				char *k = cg_utf8_of_w(name);
				if (k)
					json_object_set_new(row, k, json_of_variant(&v));
				free(k);
				SysFreeString(name);
				VariantClear(&v);
			}
			IWbemClassObject_EndEnumeration(obj);
			IWbemClassObject_Release(obj);
			json_array_append_new(*rows, row);
		}
	} else {
		char *n8 = cg_utf8_of_w(ns);
		cg_buf_printf(why, "WMI %s: 0x%08lx; ", n8 ? n8 : "?", (unsigned long)hr);
		free(n8);
	}
	if (en)
		IEnumWbemClassObject_Release(en);
	if (svc)
		IWbemServices_Release(svc);
	if (loc)
		IWbemLocator_Release(loc);
	SysFreeString(bns);
	SysFreeString(lang);
	SysFreeString(q);
	return *rows ? CG_OK : CG_EIO;
}

static cg_err sc2_products(json_t *arr, cg_buf *why)
{
	json_t *rows;
	cg_err err = wmi_rows(L"ROOT\\SecurityCenter2",
	                      L"SELECT displayName, productState FROM AntiVirusProduct",
	                      CG_AV_MAX_PRODUCTS, &rows, why);
	if (err)
		return err;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_t *ps = json_object_get(r, "productState");
		if (json_is_integer(ps))
			json_array_append_new(arr,
			                      cg_av_product_sc2(cg_json_get_str(r, "displayName"),
			                                        (uint32_t)json_integer_value(ps)));
	}
	json_decref(rows);
	return CG_OK;
}

static const wchar_t defender_ns[] = L"ROOT\\Microsoft\\Windows\\Defender";

static cg_err defender_product(json_t *arr, cg_buf *why)
{
	json_t *rows;
	cg_err err = wmi_rows(defender_ns, L"SELECT * FROM MSFT_MpComputerStatus", 1, &rows, why);
	if (err)
		return err;
	json_t *p = cg_av_product_defender(json_array_get(rows, 0));
	if (p)
		json_array_append_new(arr, p);
	json_decref(rows);
	return p ? CG_OK : CG_ENOTFOUND;
}

cg_err cg_av_status(json_t **out, cg_buf *why)
{
	*out = json_array();
	if (!*out)
		return CG_ENOMEM;
	bool mine = com_begin(why);
	cg_err err = wsc_products(*out, why);
	if (err)
		err = sc2_products(*out, why);
	if (err)
		err = defender_product(*out, why);
	com_end(mine);
	/* nothing answered: no Security Center and no Defender (the server
	 * then counts this Windows endpoint as unprotected) */
	return CG_OK;
}

/* ---- detections ------------------------------------------------------------ */

static json_t *load_seen(const char *path)
{
	cg_buf b;
	cg_buf_init(&b, CG_AV_MAX_STATE);
	json_t *j = NULL;
	if (path && cg_read_file(path, &b, NULL) == CG_OK)
		cg_json_parse(cg_buf_slice(&b), &j, NULL);
	cg_buf_free(&b);
	json_t *seen = json_object_get(j, "reported");
	seen = json_is_object(seen) ? json_incref(seen) : json_object();
	json_decref(j);
	return seen;
}

cg_err cg_av_detections(const char *state_dir, cg_av_emit_fn emit, void *ctx, cg_buf *why)
{
	char path[4096];
	bool have_path = state_dir && snprintf(path, sizeof path, "%s/antivirus.json", state_dir) <
	                                  (int)sizeof path;
	bool mine = com_begin(why);
	json_t *dets = NULL, *threats = NULL;
	cg_err err =
	    wmi_rows(defender_ns, L"SELECT * FROM MSFT_MpThreatDetection", 10000, &dets, why);
	if (!err)
		err = wmi_rows(defender_ns, L"SELECT * FROM MSFT_MpThreat", 10000, &threats, why);
	com_end(mine);
	if (err) {
		json_decref(dets);
		return err;
	}
	json_t *seen = load_seen(have_path ? path : NULL);
	int n = cg_av_detection_events(dets, threats, seen, cg_time_now_ms(), emit, ctx);
	if (n > 0 && have_path) {
		json_t *st = json_pack("{s:O}", "reported", seen);
		cg_buf b;
		cg_buf_init(&b, CG_AV_MAX_STATE);
		if (cg_json_encode(&b, st) == CG_OK)
			err = cg_write_file_atomic(path, b.ptr, b.len, 0600, why);
		cg_buf_free(&b);
		json_decref(st);
	}
	json_decref(seen);
	json_decref(dets);
	json_decref(threats);
	return err;
}
