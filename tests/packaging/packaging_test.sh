#!/usr/bin/env bash
# The deployment files agree with the binary they ship (label `packaging`):
# 1. the Dockerfile's run-time stage installs a Debian package for every shared library the
#    binary links directly (a new dependency without its package would start, then fail to load);
# 2. every AVNI_INT_* variable that the Dockerfile, docker-compose.yml and the systemd files set
#    is one the binary reads (a renamed flag would be silently ignored);
# 3. the systemd unit has no unknown or misspelt setting and keeps its hardening
#    (systemd-analyze's exposure at most 2.0, "OK");
# 4. the README's configuration table names every flag of serve and the global
#    options, and every variable the binary reads.
#   packaging_test.sh SOURCE_DIR BINARY
set -uo pipefail
src=$1
bin=$2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# 1. Run-time packages. The packages of the last stage's `apt-get install` (after `FROM
#    debian:12-slim`), against the packages owning the binary's NEEDED libraries. libc6,
#    libstdc++6 and libgcc-s1 are in every Debian image; the sanitizers' libraries are only in
#    the test build.
runtime=$(awk '/^FROM debian:12-slim/ {on=1} on && /apt-get install/ {grab=1} grab {print} grab && !/\\$/ {grab=0}' \
  "$src/Dockerfile" | tr ' \\' '\n\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' | sort -u)
[[ -n $runtime ]] || fail "no apt-get install found in the Dockerfile's debian:12-slim stage"
while read -r lib; do
  case $lib in libasan.so*|libubsan.so*|libc.so*|libm.so*|libstdc++.so*|libgcc_s.so*|ld-linux*) continue ;; esac
  path=$(ldd "$bin" | awk -v l="$lib" '$1 == l {print $3}')
  [[ -n $path ]] || { fail "$lib (NEEDED by the binary) is not found by ldd"; continue; }
  real=$(readlink -f "$path")
  pkg=$(dpkg -S "$real" 2>/dev/null || dpkg -S "$path" 2>/dev/null)
  pkg=${pkg%%:*}
  [[ -n $pkg ]] || { fail "$lib ($real) belongs to no Debian package"; continue; }
  grep -qx "$pkg" <<<"$runtime" || fail "$lib comes from $pkg, which the Dockerfile's run-time stage does not install"
done < <(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')

# 2. Environment variables. The binary names its variables in --help as (Env:NAME);
#    AVNI_INT_SECRET_KEY is read by the secret box itself (the --secret-key-file help names it).
known=$( { "$bin" --help; "$bin" serve --help; } 2>&1 | grep -o 'AVNI_INT_[A-Z0-9_]*' | sort -u)
for f in Dockerfile docker-compose.yml packaging/avni-integrator.service packaging/avni-integrator.env; do
  for v in $(grep -o 'AVNI_INT_[A-Z0-9_]*' "$src/$f" | sort -u); do
    grep -qx "$v" <<<"$known" || fail "$f sets $v, which avni-integrator does not read"
  done
done

# 3. The systemd unit, with ExecStart pointed at this binary (verify checks that it exists).
unit=$(mktemp -d)/avni-integrator.service
sed "s#/usr/local/bin/avni-integrator#$bin#" "$src/packaging/avni-integrator.service" > "$unit"
out=$(systemd-analyze verify "$unit" 2>&1)
[[ -z $out ]] || fail "systemd-analyze verify: $out"
if ! security=$(systemd-analyze security --offline=true --threshold=20 "$unit" 2>&1); then
  fail "the unit's exposure is above 2.0: $(tail -1 <<<"$security")"
fi
echo "$(tail -1 <<<"$security")"
rm -rf "$(dirname "$unit")"

# 4. The README's table: a row "| `--flag ..." for each flag, and each variable somewhere in it.
help=$( { "$bin" --help; "$bin" serve --help; } 2>&1)
for flag in $(grep -oE '^ +--[a-z][a-z-]*' <<<"$help" | tr -d ' ' | sort -u); do
  [[ $flag == --help ]] && continue
  grep -qE "^\| \`$flag( |\`)" "$src/README.md" || fail "README.md's configuration table has no row for $flag"
done
for v in $known; do
  grep -q "\`$v\`" "$src/README.md" || fail "README.md does not name $v"
done

if ((failures > 0)); then
  echo "$failures packaging check(s) failed" >&2
  exit 1
fi
echo "packaging: runtime packages, environment variables and the systemd unit agree with $bin"
