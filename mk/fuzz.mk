# Fuzzing: libFuzzer targets for the JSON the server reads (fuzz/fuzz_wire.c: the wire codec;
# fuzz/fuzz_api.c: requests through server/api.c), the CSV import (fuzz/fuzz_csv.c), and the
# gateway's signature headers and payment links (fuzz/fuzz_sig.c). They
# need clang, so the libraries are compiled a second time with clang's coverage and
# sanitizers into fuzz/obj/; `make check` runs each briefly from fuzz/corpus/ (fuzz/check.sh,
# which skips when configure found no clang). `make fuzz` runs them longer (FUZZ_SECONDS).
FUZZ_TARGETS = fuzz/fuzz_wire fuzz/fuzz_api fuzz/fuzz_csv fuzz/fuzz_sig
FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer $(FUZZ_SANITIZE) $(SQLITE_CFLAGS) \
	$(LIBCONFIG_CFLAGS) $(JANSSON_CFLAGS) $(SODIUM_CFLAGS) $(CURL_CFLAGS) $(MHD_CFLAGS) \
	$(GNUTLS_CFLAGS) $(LIBPQ_CFLAGS)
FUZZ_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/server
FUZZ_LIB_SRCS = $(filter %.c,$(src_libarrears_a_SOURCES) $(server_libarrearsd_a_SOURCES))
FUZZ_LIB_OBJS = $(patsubst %.c,fuzz/obj/%.o,$(FUZZ_LIB_SRCS))
FUZZ_LIBS = $(MHD_LIBS) $(GNUTLS_LIBS) $(LIBPQ_LIBS) $(CORE_LIBS) -lpthread

# The code under test gets the coverage hooks; only a target links libFuzzer's main().
fuzz/obj/%.o: %.c $(BUILT_SOURCES) config.h
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(CLANG) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

fuzz/libfuzzed.a: $(FUZZ_LIB_OBJS)
	$(AM_V_AR)rm -f $@ && $(AR) cr $@ $(FUZZ_LIB_OBJS) && $(RANLIB) $@

$(FUZZ_TARGETS): fuzz/%: fuzz/%.c fuzz/libfuzzed.a
	$(AM_V_CCLD)$(CLANG) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		fuzz/libfuzzed.a $(FUZZ_LIBS)

if HAVE_CLANG
check_DATA = $(FUZZ_TARGETS)
endif

TESTS += fuzz/check.sh
EXTRA_DIST += fuzz/check.sh fuzz/fuzz_wire.c fuzz/fuzz_api.c fuzz/fuzz_csv.c fuzz/fuzz_sig.c fuzz/corpus \
	fuzz/README.md
CLEANFILES += $(FUZZ_TARGETS) fuzz/libfuzzed.a

clean-local: clean-fuzz
clean-fuzz:
	rm -rf fuzz/obj

# `make fuzz`: each target for FUZZ_SECONDS (default 300), new finds kept in fuzz/found/.
FUZZ_SECONDS = 300
fuzz: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
		n=$${t#fuzz/fuzz_}; $(MKDIR_P) fuzz/found/$$n || exit 1; \
		echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
		./$$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=fuzz/found/$$n- \
			fuzz/found/$$n $(srcdir)/fuzz/corpus/$$n || exit 1; \
	done
.PHONY: fuzz clean-fuzz

# The sync benchmark (bench/sync.sh, `make bench-sync`): arrearsd on loopback under the load of
# bench/sync_load (libcurl), each figure beside the curl tool sending the same bytes.
EXTRA_PROGRAMS += bench/sync_load
bench_sync_load_SOURCES = bench/sync_load.c
bench_sync_load_LDADD = src/libarrears.a $(CORE_LIBS) -lpthread
CLEANFILES += bench/sync_load
EXTRA_DIST += bench/sync.sh

bench-sync: all bench/sync_load tests/sync/bulkgen
	top_builddir='$(abs_top_builddir)' top_srcdir='$(abs_top_srcdir)' \
		$(SHELL) $(srcdir)/bench/sync.sh
.PHONY: bench-sync

# arrearsd's worker threads under concurrent pushes and logins.
TESTS += tests/sync/concurrency.sh
EXTRA_DIST += tests/sync/concurrency.sh

# A whole floor (bench/floor.sh, `make bench-floor`): 300 agents over a book of 1,000,000
# accounts, on SQLite or PostgreSQL with one or two arrearsd (STORE=, INSTANCES=).
EXTRA_DIST += bench/floor.sh
bench-floor: all bench/sync_load
	top_builddir='$(abs_top_builddir)' top_srcdir='$(abs_top_srcdir)' \
		$(SHELL) $(srcdir)/bench/floor.sh
.PHONY: bench-floor
