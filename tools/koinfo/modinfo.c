// SPDX-License-Identifier: GPL-2.0
/*
 * The .modinfo side of koinfo, through libkmod (the library behind
 * modinfo, depmod and modprobe): the modinfo fields, the __versions table
 * (symbol and CRC), the symbols the module exports and the undefined
 * symbols it needs, with the CRCs it was built against.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libkmod.h>

#include "koinfo.h"

/* libkmod logs to stderr on its own; koinfo says what went wrong once. */
static void quiet(void *data, int priority, const char *file, int line,
		  const char *fn, const char *format, va_list args)
{
}

/* "name:text" fields (parm, parmtype): the text for NAME. */
static struct ko_param *param(struct ko *ko, const char *value, size_t *cap,
			      const char **text)
{
	const char *colon = strchr(value, ':');
	size_t i, len;

	if (!colon)
		return NULL;
	len = colon - value;
	*text = colon + 1;
	for (i = 0; i < ko->nparams; i++)
		if (strlen(ko->params[i].name) == len &&
		    !strncmp(ko->params[i].name, value, len))
			return &ko->params[i];
	ko->params = xgrow(ko->params, cap, ko->nparams, sizeof(*ko->params));
	memset(&ko->params[ko->nparams], 0, sizeof(*ko->params));
	ko->params[ko->nparams].name = strndup(value, len);
	if (!ko->params[ko->nparams].name)
		return NULL;
	return &ko->params[ko->nparams++];
}

static void set_once(char **field, const char *value)
{
	if (!*field)
		*field = xstrdup(value);
}

static int read_info(struct ko *ko)
{
	struct kmod_list *list = NULL, *l;
	size_t cap = 0, pcap = 0, ncap = 0;
	int err;

	err = kmod_module_get_info(ko->mod, &list);
	if (err < 0)
		return ko_unknown(ko, "libkmod could not read .modinfo: %s", strerror(-err));
	kmod_list_foreach(l, list) {
		const char *k = kmod_module_info_get_key(l);
		const char *v = kmod_module_info_get_value(l);
		struct ko_param *p;
		const char *text;

		if (!k)
			continue;
		v = v ? v : "";
		ko->info_keys = xgrow(ko->info_keys, &cap, ko->ninfo, sizeof(char *));
		ko->info_vals = reallocarray(ko->info_vals, cap, sizeof(char *));
		if (!ko->info_vals) {
			kmod_module_info_free_list(list);
			return ko_unknown(ko, "out of memory");
		}
		ko->info_keys[ko->ninfo] = xstrdup(k);
		ko->info_vals[ko->ninfo++] = info_value(k, v);
		if (!strcmp(k, "license")) {
			set_once(&ko->license, v);
		} else if (!strcmp(k, "vermagic")) {
			set_once(&ko->vermagic, v);
		} else if (!strcmp(k, "name")) {
			set_once(&ko->name, v);
		} else if (!strcmp(k, "depends")) {
			set_once(&ko->depends, v);
		} else if (!strcmp(k, "version")) {
			set_once(&ko->version, v);
		} else if (!strcmp(k, "srcversion")) {
			set_once(&ko->srcversion, v);
		} else if (!strcmp(k, "intree")) {
			ko->intree = 1;
		} else if (!strcmp(k, "import_ns")) {
			ko->import_ns = xgrow(ko->import_ns, &ncap, ko->nimport_ns,
					      sizeof(char *));
			ko->import_ns[ko->nimport_ns++] = xstrdup(v);
		} else if (!strcmp(k, "parm") || !strcmp(k, "parmtype")) {
			p = param(ko, v, &pcap, &text);
			if (p)
				set_once(k[4] ? &p->type : &p->desc, text);
		}
	}
	kmod_module_info_free_list(list);
	return 0;
}

static int has_version(const struct ko *ko, const char *name, uint64_t *crc)
{
	size_t i;

	for (i = 0; i < ko->nvers; i++)
		if (!strcmp(ko->vers[i].name, name)) {
			*crc = ko->vers[i].crc;
			return 1;
		}
	return 0;
}

/* Missing tables are empty, not errors: no __versions, no exports. */
static int missing(int err)
{
	return err == -ENOENT || err == -ENODATA || err == 0;
}

static int read_symbols(struct ko *ko)
{
	struct kmod_list *list = NULL, *l;
	size_t cap = 0;
	int err;

	err = kmod_module_get_versions(ko->mod, &list);
	if (err < 0 && !missing(err))
		return ko_unknown(ko, "libkmod could not read __versions: %s", strerror(-err));
	kmod_list_foreach(l, list) {
		ko->vers = xgrow(ko->vers, &cap, ko->nvers, sizeof(*ko->vers));
		memset(&ko->vers[ko->nvers], 0, sizeof(*ko->vers));
		ko->vers[ko->nvers].name = xstrdup(kmod_module_version_get_symbol(l));
		ko->vers[ko->nvers].crc = kmod_module_version_get_crc(l);
		ko->vers[ko->nvers++].has_crc = 1;
	}
	kmod_module_versions_free_list(list);

	list = NULL;
	cap = 0;
	err = kmod_module_get_symbols(ko->mod, &list);
	if (err < 0 && !missing(err))
		return ko_unknown(ko, "libkmod could not read the exported symbols: %s",
			       strerror(-err));
	kmod_list_foreach(l, list) {
		ko->exports = xgrow(ko->exports, &cap, ko->nexports, sizeof(*ko->exports));
		memset(&ko->exports[ko->nexports], 0, sizeof(*ko->exports));
		ko->exports[ko->nexports].name = xstrdup(kmod_module_symbol_get_symbol(l));
		ko->exports[ko->nexports].crc = kmod_module_symbol_get_crc(l);
		ko->nexports++;	/* has_crc, gpl, ns: elf.c export_kind() */
	}
	kmod_module_symbols_free_list(list);

	list = NULL;
	cap = 0;
	err = kmod_module_get_dependency_symbols(ko->mod, &list);
	if (err < 0 && !missing(err))
		return ko_unknown(ko, "libkmod could not read the undefined symbols: %s",
			       strerror(-err));
	kmod_list_foreach(l, list) {
		struct ko_sym *u;

		ko->undefs = xgrow(ko->undefs, &cap, ko->nundefs, sizeof(*ko->undefs));
		u = &ko->undefs[ko->nundefs++];
		memset(u, 0, sizeof(*u));
		u->name = xstrdup(kmod_module_dependency_symbol_get_symbol(l));
		u->weak = kmod_module_dependency_symbol_get_bind(l) == KMOD_SYMBOL_WEAK;
		u->has_crc = has_version(ko, u->name, &u->crc);
	}
	kmod_module_dependency_symbols_free_list(list);
	return 0;
}

int ko_read_modinfo(struct ko *ko)
{
	static const char *const no_config[] = { NULL };
	const char *path;
	int err;

	/* No configuration and no module index: only this file is read. */
	ko->ctx = kmod_new("/nonexistent/koinfo", no_config);
	if (!ko->ctx)
		return ko_unknown(ko, "libkmod: kmod_new failed");
	kmod_set_log_fn(ko->ctx, quiet, NULL);
	path = ko_libkmod_path(ko);
	if (!path)
		return ko_fail(ko, "memfd for libkmod: %s", strerror(errno));
	err = kmod_module_new_from_path(ko->ctx, path, &ko->mod);
	if (err < 0)
		return ko_unknown(ko, "libkmod could not open it: %s", strerror(-err));
	if (read_info(ko) || read_symbols(ko))
		return -1;
	/* check_modinfo() needs it; .exit goes to core only with it. */
	ko->mod_unload = ko->vermagic && strstr(ko->vermagic, " mod_unload ");
	return 0;
}
