/* cmd_policy.c - `arrears policy eval` and `arrears policy profiles`: the policy engine over
 * JSON on stdin and stdout, with no cache and no network; the config is read only to find a
 * default profile when neither the input nor --profile names one. */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "policy.h"
#include "policy_json.h"
#include "policy_profile.h"
#include "settings.h"

#define EXIT_BAD_INPUT 2

/* The profile for inputs that name none: --profile, else the config's, else the default. */
struct profile_choice {
	const char *option;	/* --profile, or NULL */
	const struct global_opts *g;
	char configured[sizeof ((struct settings *)0)->profile];
	bool looked;
};

static const char *
default_profile(struct profile_choice *c)
{
	struct settings *s;
	struct err e;
	char path[4096];

	if (c->option != NULL)
		return c->option;
	if (!c->looked) {
		c->looked = true;
		snprintf(c->configured, sizeof c->configured, "%s", POLICY_DEFAULT_PROFILE);
		/* struct settings is large (paths, key bindings); keep it off the stack. */
		if ((s = malloc(sizeof *s)) == NULL)
			abort();
		settings_default(s);
		if (c->g->config_path != NULL) {
			if (settings_load(s, c->g->config_path, 1, &e) != 0)
				fprintf(stderr, "arrears: %s\n", e.msg);
		} else if (settings_default_path(path, sizeof path) == 0) {
			if (settings_load(s, path, 0, &e) != 0)
				fprintf(stderr, "arrears: %s\n", e.msg);
		}
		if (s->profile[0] != '\0')
			snprintf(c->configured, sizeof c->configured, "%s", s->profile);
		free(s);
	}
	return c->configured;
}

/* Decides one facts object at path, appending the decision to out. 0, or -1 with e set. */
static int
eval_one(const json_t *v, const char *path, const struct policy_profiles *set,
    struct profile_choice *choice, struct policy_tzcache *cache, json_t *out, struct err *e)
{
	struct policy_facts f;
	struct policy_decision d;
	const struct policy_profile *p;
	char name[32];

	if (policy_json_facts_decode(v, path, &f, name, sizeof name, e) < 0)
		return -1;
	if (name[0] != '\0') {
		if ((p = policy_profiles_find(set, name)) == NULL) {
			policy_json_facts_clear(&f);
			return err_set(e, "%s.profile: unknown profile '%s'", path, name);
		}
	} else if ((p = policy_profiles_find(set, default_profile(choice))) == NULL) {
		policy_json_facts_clear(&f);
		return err_set(e, "%s: unknown profile '%s' (from --profile or the config)", path,
		    default_profile(choice));
	}
	policy_decide(p, &f, cache, &d);
	json_array_append_new(out, policy_json_decision_encode(&d));
	policy_json_facts_clear(&f);
	return 0;
}

static int
policy_eval(int argc, char **argv, const struct global_opts *g, const struct policy_profiles *set)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct profile_choice choice = { .g = g };
	struct policy_tzcache *cache = NULL;
	json_t *in = NULL, *out = NULL;
	json_error_t jerr;
	struct err e;
	char path[32];
	int opt, rc = EXIT_BAD_INPUT;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "p:", longopts, NULL)) != -1) {
		if (opt != 'p') {
			fprintf(stderr, "usage: arrears policy eval [--profile NAME] < facts.json\n");
			return EXIT_BAD_INPUT;
		}
		choice.option = optarg;
	}
	if (optind != argc) {
		fprintf(stderr, "usage: arrears policy eval [--profile NAME] < facts.json\n");
		return EXIT_BAD_INPUT;
	}
	if (choice.option != NULL && policy_profiles_find(set, choice.option) == NULL) {
		fprintf(stderr, "arrears: unknown profile '%s'\n", choice.option);
		return EXIT_BAD_INPUT;
	}
	in = json_loadf(stdin, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (in == NULL) {
		fprintf(stderr, "arrears: $: invalid JSON at line %d column %d: %s\n", jerr.line,
		    jerr.column, jerr.text);
		return EXIT_BAD_INPUT;
	}
	out = json_array();
	cache = policy_tzcache_new();
	if (json_is_array(in)) {
		size_t i;
		json_t *v;
		json_array_foreach (in, i, v) {
			snprintf(path, sizeof path, "$[%zu]", i);
			if (eval_one(v, path, set, &choice, cache, out, &e) < 0)
				goto fail;
		}
		json_dumpf(out, stdout, 0);
	} else if (json_is_object(in)) {
		if (eval_one(in, "$", set, &choice, cache, out, &e) < 0)
			goto fail;
		json_dumpf(json_array_get(out, 0), stdout, 0);
	} else {
		err_set(&e, "$: expected an object or an array of objects");
		goto fail;
	}
	putchar('\n');
	rc = fflush(stdout) == 0 ? 0 : 1;
	goto out;
fail:
	fprintf(stderr, "arrears: %s\n", e.msg);
out:
	policy_tzcache_free(&cache);
	json_decref(out);
	json_decref(in);
	return rc;
}

static int
policy_list(const struct policy_profiles *set)
{
	for (int i = 0; i < set->n; i++) {
		const struct policy_profile *p = &set->items[i];
		if (p->inherits[0] != '\0')
			printf("%s\tinherits %s\n", p->name, p->inherits);
		else
			printf("%s\n", p->name);
	}
	return 0;
}

int
cmd_policy(int argc, char **argv, const struct global_opts *g)
{
	struct policy_profiles *set;
	struct err e;
	int rc;

	if (argc < 2 || (strcmp(argv[1], "eval") != 0 && strcmp(argv[1], "profiles") != 0)) {
		fprintf(stderr, "usage: arrears policy eval [--profile NAME] < facts.json\n"
				"       arrears policy profiles\n");
		return EXIT_BAD_INPUT;
	}
	if ((set = malloc(sizeof *set)) == NULL)
		abort();
	if (policy_profiles_load(set, &e) < 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		free(set);
		return 1;
	}
	if (strcmp(argv[1], "eval") == 0)
		rc = policy_eval(argc - 1, argv + 1, g, set);
	else
		rc = policy_list(set);
	free(set);
	return rc;
}
