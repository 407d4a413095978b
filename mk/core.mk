# libarrears: the model and every rule (no curses), and the arrears command.
noinst_LIBRARIES += src/libarrears.a
src_libarrears_a_SOURCES = \
	src/err.c src/err.h src/xalloc.c src/xalloc.h \
	src/clock.c src/clock.h \
	src/tz.c src/tz.h \
	src/money.c src/money.h \
	src/model.c src/model.h \
	src/bands.c src/bands.h \
	src/paths.c src/paths.h \
	src/store.c src/store.h \
	src/migrations.c src/migrations.h \
	src/evidence.c src/evidence.h \
	src/settings.c src/settings.h \
	src/conf_file.c src/conf_file.h \
	src/queue.c src/queue.h \
	src/demo.c src/demo.h \
	src/event_text.c src/event_text.h \
	src/export.c src/export.h \
	src/csv_write.c src/csv_write.h
nodist_src_libarrears_a_SOURCES = src/migrations.inc
BUILT_SOURCES += src/migrations.inc
CLEANFILES += src/migrations.inc

MIGRATIONS = data/migrations/001_init.sql data/migrations/002_casework.sql \
	data/migrations/003_sync.sql
EXTRA_DIST += $(MIGRATIONS) scripts/embed-sql.sh
nobase_dist_pkgdata_DATA += $(MIGRATIONS)

# The migrations are compiled in, so a binary never depends on finding data files to open its cache.
# Sorted: fragments add theirs in include order, but they must apply in number order.
src/migrations.inc: $(MIGRATIONS) $(srcdir)/scripts/embed-sql.sh
	$(AM_V_GEN)$(MKDIR_P) src && $(SHELL) $(srcdir)/scripts/embed-sql.sh \
		$(addprefix $(srcdir)/,$(sort $(MIGRATIONS))) > $@.tmp && mv $@.tmp $@

bin_PROGRAMS += arrears
arrears_SOURCES = src/arrears.c src/commands.h src/cmd_demo.c src/cmd_export.c
arrears_LDADD = ui/libarrears-ui.a src/libarrears.a $(NCURSES_LIBS) $(CORE_LIBS)
arrears_CFLAGS = $(AM_CFLAGS) $(NCURSES_CFLAGS)
# only the composition root sees ui/
arrears_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/ui
