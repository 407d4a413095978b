#!/bin/sh
# Writes the KEYS entries of arrears(1) from `arrears --dump-keys` (ui/actions.def), so the
# page follows the one action table. Usage: scripts/man-keys.sh ./arrears
set -eu
"$1" --dump-keys | awk -F '\t' '
function esc(s) { gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s); return s }
$1 != ctx {
	ctx = $1
	title = ctx == "global" ? "Everywhere" : toupper(substr(ctx, 1, 1)) substr(ctx, 2)
	printf ".SS %s\n", title
}
{
	n = split($3, keys, " ")
	line = ""
	for (i = 1; i <= n; i++)
		line = line (i > 1 ? " \", \" " : "") esc(keys[i])
	printf ".TP 14\n.BR %s\n%s (%s)\n", (n > 1 ? line : esc($3) " \"\""), esc($4), esc($2)
}'
