# lib.sh - shared by the TUI tests: a demo cache, a clean environment, and a private tmux
# server with a fixed-size pane that the tests drive with send-keys and read with
# capture-pane. Sourced; top_builddir and top_srcdir come from make check.
set -eu

: "${top_builddir:?run through make check}" "${top_srcdir:?run through make check}"
ARREARS_DATADIR=${ARREARS_DATADIR:-$top_srcdir}
ARREARS="$top_builddir/arrears"
# A frozen clock for the demo book and the workstation alike, so the screen is the same on
# every run.
NOW=2026-03-10T15:00:00Z
T=$(mktemp -d "${TMPDIR:-/tmp}/arrears-tui.XXXXXX")
mkdir -p "$T/home"
SOCKET="arrears-test-$$"
WAIT_SECONDS=${WAIT_SECONDS:-15}

cleanup() {
	if [ -n "${TMUX_STARTED:-}" ]; then
		tmux -L "$SOCKET" -f /dev/null kill-server >/dev/null 2>&1 || true
	fi
	rm -rf "$T"
}
trap cleanup EXIT

# The same clean environment for every run of arrears: nothing from the caller's session.
run_env() {
	env -i PATH="$PATH" HOME="$T/home" LC_ALL=C.UTF-8 ARREARS_NOW="$NOW" \
		ARREARS_DATADIR="$ARREARS_DATADIR" "$@"
}

# make_cache FILE [N]: a demo book of N accounts (300 by default).
make_cache() {
	run_env "$ARREARS" --cache "$1" demo --accounts "${2:-300}" --seed 1 >/dev/null
}

# bodies CACHE ACCOUNT KIND: that account's events of that kind as JSON lines (arrears export
# events). Event bodies are sealed in the cache (src/seal.c), so the sqlite3 tool cannot read
# them; these lines have them in the clear, compact, for grep -F.
bodies() {
	run_env "$ARREARS" --cache "$1" export events | grep -F "\"account_id\":\"$2\"" |
		grep -F "\"kind\":\"$3\""
}

fail() {
	echo "FAIL: $*" >&2
	if [ -n "${TMUX_STARTED:-}" ]; then
		echo "--- screen ---" >&2
		screen >&2 || true
	fi
	exit 1
}

# --- tmux -------------------------------------------------------------------------------

# Only the tmux tests may skip, and only when there is no tmux.
need_tmux() {
	command -v tmux >/dev/null 2>&1 || { echo "tmux not found: skipped"; exit 77; }
	# ncurses-base ships tmux-256color on Debian 12; older systems have only screen-256color.
	if infocmp tmux-256color >/dev/null 2>&1; then
		TERM_NAME=tmux-256color
	else
		TERM_NAME=screen-256color
	fi
}

tm() {
	tmux -L "$SOCKET" -f /dev/null "$@"
}

# start COLSxROWS ARGS...: runs arrears ARGS in a new pane of that size. A wrapper shell
# stays behind it, so after arrears exits the pane shows "[exit N]" on the normal screen:
# that is how the tests see the terminal restored and the exit code. The wrapper traps
# INT and TERM so that C-c reaches arrears alone.
start() {
	size=$1
	shift
	cat >"$T/run.sh" <<'WRAP'
pidfile=$1
shift
trap : INT TERM
sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@"
echo "[exit $?]"
exec sleep 3600
WRAP
	TMUX_STARTED=1
	tm new-session -d -s t -x "${size%x*}" -y "${size#*x}" \
		env -i PATH="$PATH" HOME="$T/home" TERM="$TERM_NAME" LC_ALL=C.UTF-8 \
		ARREARS_NOW="$NOW" ARREARS_DATADIR="$ARREARS_DATADIR" \
		sh "$T/run.sh" "$T/pid" "$ARREARS" "$@"
}

screen() {
	tm capture-pane -p -t t
}

keys() {
	tm send-keys -t t "$@"
}

# wait_for TEXT: polls the screen until TEXT (a fixed string) shows, or fails.
wait_for() {
	i=0
	while ! screen | grep -qF -- "$1"; do
		i=$((i + 1))
		[ "$i" -le $((WAIT_SECONDS * 20)) ] || fail "timed out waiting for '$1'"
		sleep 0.05
	done
}

# wait_gone TEXT: polls until TEXT is no longer on the screen.
wait_gone() {
	i=0
	while screen | grep -qF -- "$1"; do
		i=$((i + 1))
		[ "$i" -le $((WAIT_SECONDS * 20)) ] || fail "timed out waiting for '$1' to go"
		sleep 0.05
	done
}

# assert_screen TEXT / refute_screen TEXT: the screen as it is now.
assert_screen() {
	screen | grep -qF -- "$1" || fail "expected '$1' on the screen"
}

refute_screen() {
	! screen | grep -qF -- "$1" || fail "did not expect '$1' on the screen"
}

# line N: line N (1-based) of the screen.
line() {
	screen | sed -n "${1}p"
}

# assert_exited CODE: arrears has exited with CODE and left the alternate screen.
assert_exited() {
	wait_for "[exit $1]"
	[ "$(tm display-message -p -t t '#{alternate_on}')" = 0 ] ||
		fail "the terminal was left on the alternate screen"
}

# arrears_pid: the pid of the running arrears.
arrears_pid() {
	cat "$T/pid"
}
