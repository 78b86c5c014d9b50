#!/bin/sh
# SPDX-License-Identifier: MIT
# Output files (-o FILE) of the example programs: never the input, never a file the program
# did not create (unless --force), written through a temporary in the target's directory
# that is renamed into place and never left behind, and a failure leaves the target as it
# was. Each case runs pbsc-calibrate in a fresh directory and compares checksums and the
# directory's listing before and after; -o's cases, then --write-population's.
#
# Environment (set by `make check`): top_srcdir, top_builddir, EXEEXT.

set -u

here=$(dirname "$0")
top_srcdir=${top_srcdir:-$here/..}
top_builddir=${top_builddir:-.}
EXEEXT=${EXEEXT:-}

srcdir=$(cd "$top_srcdir" && pwd) || exit 99
builddir=$(cd "$top_builddir" && pwd) || exit 99
prog=$builddir/examples/pbsc-calibrate$EXEEXT
[ -x "$prog" ] || {
    echo "output.sh: $prog: not built" >&2
    exit 99
}
# A history of 80 sessions, quoted as a spreadsheet writes it: enough to fit, quick to read.
history=$srcdir/tests/golden/calibrate-csv-quoted.csv

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbsc-output.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' HUP INT TERM

pass=0
fail=0
case_name=
dir=

ok() {
    echo "PASS: $case_name"
    pass=$((pass + 1))
}

bad() {
    echo "FAIL: $case_name: $*"
    fail=$((fail + 1))
}

# begin NAME: a fresh directory with the history in it, as the current directory.
begin() {
    case_name=$1
    dir=$tmp/$1
    mkdir -p "$dir" && cp "$history" "$dir/history.csv" && cd "$dir" || exit 99
}

sum() {
    cksum <"$1"
}

is_model() {
    grep -qx 'pbsc-model = 1' "$1"
}

listing() {
    ls -A "$dir"
}

# run ARGS...: pbsc-calibrate in $dir; $status, $dir/.out and $dir/.err (outside the listing
# compared, as they are created before the program starts).
run() {
    "$prog" "$@" >"$tmp/$case_name.out" 2>"$tmp/$case_name.err"
    status=$?
}

# expect_refused STATUS TEXT: the run exited STATUS and its message holds TEXT.
expect_refused() {
    if [ "$status" != "$1" ]; then
        bad "exit $status, expected $1 ($(cat "$tmp/$case_name.err"))"
        return 1
    fi
    if ! grep -qF -- "$2" "$tmp/$case_name.err"; then
        bad "message '$(cat "$tmp/$case_name.err")' does not say '$2'"
        return 1
    fi
    return 0
}

# ---- the input is never the output ----------------------------------------------------------
begin input-named
before=$(sum history.csv)
run -o history.csv history.csv
if expect_refused 1 "the same file as the input"; then
    if [ "$(sum history.csv)" != "$before" ]; then
        bad "the history changed"
    elif [ "$(listing)" != "history.csv" ]; then
        bad "left behind: $(listing)"
    else
        ok
    fi
fi

begin input-named-force
before=$(sum history.csv)
run --force -o history.csv history.csv
if expect_refused 1 "the same file as the input"; then
    [ "$(sum history.csv)" = "$before" ] && [ "$(listing)" = "history.csv" ] && ok ||
        bad "the history changed, or a file was left: $(listing)"
fi

begin input-stdin
before=$(sum history.csv)
"$prog" --force -o history.csv - <history.csv >"$tmp/$case_name.out" 2>"$tmp/$case_name.err"
status=$?
if expect_refused 1 "the same file as the input"; then
    [ "$(sum history.csv)" = "$before" ] && ok || bad "the history changed"
fi

begin input-through-link
before=$(sum history.csv)
ln -s history.csv link.csv
run --force -o link.csv history.csv
if expect_refused 1 "the same file as the input"; then
    [ "$(sum history.csv)" = "$before" ] && [ -L link.csv ] && ok || bad "the history changed"
fi

begin input-hard-link
before=$(sum history.csv)
ln history.csv other-name.csv
run --force -o other-name.csv history.csv
if expect_refused 1 "the same file as the input"; then
    [ "$(sum history.csv)" = "$before" ] && ok || bad "the history changed"
fi

# ---- an existing file is replaced only with --force -------------------------------------------
begin existing-no-force
echo "a file the program did not create" >site.model
before=$(sum site.model)
run -o site.model history.csv
if expect_refused 1 "exists"; then
    if [ "$(sum site.model)" != "$before" ]; then
        bad "site.model changed"
    elif [ "$(listing | tr '\n' ' ')" != "history.csv site.model " ]; then
        bad "left behind: $(listing)"
    else
        ok
    fi
fi

begin existing-force
echo "an older model" >site.model
chmod 640 site.model
run --force -o site.model history.csv
if [ "$status" != 0 ]; then
    bad "exit $status: $(cat "$tmp/$case_name.err")"
elif ! is_model site.model; then
    bad "site.model is not the model"
elif [ "$(ls -l site.model | cut -c1-10)" != "-rw-r-----" ]; then
    bad "the mode of the file replaced changed: $(ls -l site.model | cut -c1-10)"
elif [ "$(listing | tr '\n' ' ')" != "history.csv site.model " ]; then
    bad "left behind: $(listing)"
else
    ok
fi

begin force-through-link
echo "an older model" >real.model
ln -s real.model site.model
run --force -o site.model history.csv
if [ "$status" != 0 ]; then
    bad "exit $status: $(cat "$tmp/$case_name.err")"
elif [ ! -L site.model ] || ! is_model real.model; then
    bad "the link was replaced, or its target was not"
else
    ok
fi

begin dangling-link
ln -s missing.model site.model
run -o site.model history.csv
if expect_refused 1 "symbolic link"; then
    [ -L site.model ] && [ ! -e missing.model ] && ok || bad "the link or its target changed"
fi

# ---- a new file: created whole, mode 0644 under the umask, nothing else left -------------------
begin new-file
echo "the program's own X.tmp must not be touched" >site.model.tmp
before=$(sum site.model.tmp)
(umask 022 && "$prog" -o site.model history.csv >"$tmp/$case_name.out" 2>"$tmp/$case_name.err")
status=$?
if [ "$status" != 0 ]; then
    bad "exit $status: $(cat "$tmp/$case_name.err")"
elif ! is_model site.model; then
    bad "site.model is not the model"
elif [ "$(ls -l site.model | cut -c1-10)" != "-rw-r--r--" ]; then
    bad "mode $(ls -l site.model | cut -c1-10), expected -rw-r--r-- under umask 022"
elif [ "$(sum site.model.tmp)" != "$before" ]; then
    bad "site.model.tmp was touched"
elif [ "$(listing | tr '\n' ' ')" != "history.csv site.model site.model.tmp " ]; then
    bad "left behind: $(listing)"
else
    ok
fi

begin new-file-umask-077
(umask 077 && "$prog" -o site.model history.csv >"$tmp/$case_name.out" 2>"$tmp/$case_name.err")
status=$?
if [ "$status" != 0 ]; then
    bad "exit $status: $(cat "$tmp/$case_name.err")"
elif [ "$(ls -l site.model | cut -c1-10)" != "-rw-------" ]; then
    bad "mode $(ls -l site.model | cut -c1-10), expected -rw------- under umask 077"
else
    ok
fi

# ---- failures leave the target as it was and no temporary ------------------------------------
begin missing-directory
run -o no-such-dir/site.model history.csv
if expect_refused 1 "no-such-dir"; then
    [ "$(listing)" = "history.csv" ] && ok || bad "left behind: $(listing)"
fi

begin bad-input-force
echo "an older model" >site.model
before=$(sum site.model)
printf 'cd34,processed_l,weight_kg,collected_e6_per_kg\n20,15,70,x\n' >bad.csv
run --force -o site.model bad.csv
if expect_refused 1 "is not a number"; then
    if [ "$(sum site.model)" != "$before" ]; then
        bad "site.model changed"
    elif [ "$(listing | tr '\n' ' ')" != "bad.csv history.csv site.model " ]; then
        bad "left behind: $(listing)"
    else
        ok
    fi
fi

begin directory-target
mkdir out
run --force -o out history.csv
if expect_refused 1 "directory"; then
    [ -z "$(ls -A out)" ] && ok || bad "wrote into the directory: $(ls -A out)"
fi

# ---- devices are written directly; --force needs -o FILE ------------------------------------
begin device
run -o /dev/null history.csv
[ "$status" = 0 ] && [ "$(listing)" = "history.csv" ] && ok || bad "exit $status: $(cat "$tmp/$case_name.err")"

begin device-full
if [ -w /dev/full ]; then
    run -o /dev/full history.csv
    expect_refused 1 "/dev/full" && ok
else
    echo "SKIP: $case_name (no /dev/full)"
fi

begin force-without-output
run --force history.csv
expect_refused 2 "--force" && ok

# ---- --write-population FILE: the same discipline ---------------------------------------------
is_population() {
    grep -qx 'pbsc-population = 1' "$1"
}

begin population-and-model
run -o site.model --write-population site.pop history.csv
if [ "$status" != 0 ]; then
    bad "exit $status: $(cat "$tmp/$case_name.err")"
elif ! is_model site.model || ! is_population site.pop; then
    bad "site.model or site.pop is not what it should be"
elif [ "$(listing | tr '\n' ' ')" != "history.csv site.model site.pop " ]; then
    bad "left behind: $(listing)"
else
    ok
fi

begin population-existing-no-force
echo "a file the program did not create" >site.pop
before=$(sum site.pop)
run --write-population site.pop history.csv
if expect_refused 1 "exists"; then
    [ "$(sum site.pop)" = "$before" ] && [ "$(listing | tr '\n' ' ')" = "history.csv site.pop " ] &&
        ok || bad "site.pop changed, or left behind: $(listing)"
fi

begin population-existing-force
echo "an older population" >site.pop
run --force --write-population site.pop history.csv
[ "$status" = 0 ] && is_population site.pop &&
    [ "$(listing | tr '\n' ' ')" = "history.csv site.pop " ] && ok || bad "exit $status, or site.pop not replaced: $(cat "$tmp/$case_name.err")"

begin population-start-refused
"$prog" --write-population start.pop history.csv >/dev/null 2>&1
before=$(sum start.pop)
run --force --population start.pop --write-population start.pop history.csv
if expect_refused 1 "the same file as the input"; then
    [ "$(sum start.pop)" = "$before" ] && ok || bad "start.pop changed"
fi

# a bad start population: neither file is written, no temporary is left
begin population-bad-start
printf 'pbsc-population = 1\nday5_sigma = -1\n' >bad.pop
run -o site.model --write-population site.pop --population bad.pop history.csv
if expect_refused 1 "bad.pop:2: day5_sigma"; then
    [ "$(listing | tr '\n' ' ')" = "bad.pop history.csv " ] && ok || bad "left behind: $(listing)"
fi

begin population-same-as-model
run -o site.out --write-population site.out history.csv
expect_refused 2 "the same file" && [ "$(listing | tr '\n' ' ')" = "history.csv " ] && ok ||
    bad "left behind: $(listing)"

echo "output.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
