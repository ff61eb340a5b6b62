#!/usr/bin/env bash
# Builds the Debian package and checks it the way a host would use it:
# contents (dpkg-deb -c), lintian (no error), install with dpkg -i (twice:
# the second is a reinstall over itself), the system user and the data
# directory, the installed binary run as that user against /var/lib/latchkey
# with /etc/latchkey/latchkey.toml (create a user, serve on a loopback port,
# /healthz, a token from POST /token, a clean stop), then dpkg --purge and
# what it leaves. Run as root, from .ci/run or by hand:
#
#   sudo bash packaging/check-deb.sh [--no-build]   # --no-build: reuse target/debian/*.deb
#
# It exits non-zero, with the failed check named, on any failure. It refuses
# to touch a latchkey package installed by someone else (purging it would
# delete /var/lib/latchkey) unless CI=true; whatever it installs, it purges
# again on exit, so a rerun starts from the same state.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
    echo "check-deb: FAILED: $*" >&2
    exit 1
}
step() { echo "check-deb: $*"; }

build=yes
for arg in "$@"; do
    case "$arg" in
        --no-build) build=no ;;
        *) fail "unknown argument $arg (only --no-build)" ;;
    esac
done

[[ $(id -u) == 0 ]] || fail "run as root: it installs and purges the package"
for tool in dpkg dpkg-deb lintian curl runuser setpriv getent python3; do
    command -v "$tool" >/dev/null || fail "$tool is missing (.ci/run installs what CI needs)"
done

if dpkg-query -W -f='${Status}' latchkey 2>/dev/null | grep -q 'ok installed\|config-files\|half'; then
    [[ ${CI:-} == true ]] || fail "latchkey is installed already; purging it would delete /var/lib/latchkey. \
Remove it yourself (dpkg --purge latchkey) or run with CI=true"
    step "purging the latchkey package left from an earlier run"
    dpkg --purge latchkey
fi

# --- Build -------------------------------------------------------------------
target_dir=$(realpath -m "${CARGO_TARGET_DIR:-target}")
if [[ $build == yes ]]; then
    command -v cargo-deb >/dev/null || fail "cargo-deb is missing (.ci/run: cargo install --locked cargo-deb)"
    rm -f "$target_dir"/debian/latchkey_*.deb
    started=$(date +%s)
    cargo deb --locked
    step "cargo deb took $(($(date +%s) - started)) s"
fi
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
arch=$(dpkg --print-architecture)
shopt -s nullglob
debs=("$target_dir"/debian/latchkey_"$version"-*_"$arch".deb)
shopt -u nullglob
((${#debs[@]} == 1)) || fail "expected one latchkey_${version}-*_${arch}.deb in $target_dir/debian, found ${#debs[@]}"
deb=${debs[0]}
step "package: $deb"

# --- Contents ------------------------------------------------------------------
contents=$(dpkg-deb -c "$deb")
echo "$contents"
for path in \
    ./usr/bin/latchkey \
    ./etc/latchkey/latchkey.toml \
    ./usr/lib/systemd/system/latchkey.service \
    ./usr/lib/systemd/system/latchkey.socket \
    ./usr/lib/sysusers.d/latchkey.conf \
    ./usr/lib/tmpfiles.d/latchkey.conf \
    ./usr/share/latchkey/static/latchkey.css \
    ./usr/share/latchkey/static/favicon.svg \
    ./usr/share/doc/latchkey/copyright \
    ./usr/share/lintian/overrides/latchkey; do
    grep -qE " $path\$" <<<"$contents" || fail "$path is not in the package"
done
grep -qE '^-rwxr-xr-x (root/root|0/0) .* \./usr/bin/latchkey$' <<<"$contents" \
    || fail "/usr/bin/latchkey is not root-owned mode 0755"
control=$(dpkg-deb -I "$deb")
grep -qx /etc/latchkey/latchkey.toml <(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles) \
    || fail "/etc/latchkey/latchkey.toml is not a conffile"
grep -q '^ Depends:.*systemd | systemd-standalone-sysusers' <<<"$control" \
    || fail "Depends lacks systemd-sysusers: $(grep Depends <<<"$control")"

# --- lintian ---------------------------------------------------------------------
step "lintian"
lintian --allow-root --fail-on error --display-info "$deb" || fail "lintian reports errors (above)"

# --- Install -------------------------------------------------------------------------
installed=no
cleanup() {
    local status=$?
    if [[ -n ${server_pid:-} ]]; then kill "$server_pid" 2>/dev/null || true; fi
    if [[ $installed == yes ]]; then
        echo "check-deb: purging the package after a failure" >&2
        dpkg --purge latchkey >/dev/null 2>&1 || true
    fi
    exit "$status"
}
trap cleanup EXIT

for round in install reinstall; do
    step "dpkg -i ($round)"
    installed=yes
    dpkg -i "$deb"
    [[ $(dpkg-query -W -f='${Status}' latchkey) == "install ok installed" ]] \
        || fail "after $round: $(dpkg-query -W -f='${Status}' latchkey)"
    account=$(getent passwd latchkey) || fail "after $round: no latchkey user"
    IFS=: read -r _ _ uid _ _ home shell <<<"$account"
    ((uid < 1000)) || fail "latchkey is no system user (uid $uid)"
    [[ $home == /var/lib/latchkey ]] || fail "latchkey's home is $home"
    [[ $shell == */nologin ]] || fail "latchkey's shell is $shell"
    getent group latchkey >/dev/null || fail "no latchkey group"
    [[ $(stat -c '%U:%G %a' /var/lib/latchkey) == "latchkey:latchkey 700" ]] \
        || fail "/var/lib/latchkey is $(stat -c '%U:%G %a' /var/lib/latchkey), not latchkey:latchkey 700"
    for link in /etc/systemd/system/sockets.target.wants/latchkey.socket \
        /etc/systemd/system/multi-user.target.wants/latchkey.service; do
        [[ -L $link ]] || fail "$link missing: the units were not enabled"
    done
done
[[ $(command -v latchkey) == /usr/bin/latchkey ]] || fail "latchkey on PATH is $(command -v latchkey)"

# --- The installed binary, as the latchkey user --------------------------------------
step "smoke test as the latchkey user"
as_latchkey() { runuser -u latchkey -- /usr/bin/latchkey --config /etc/latchkey/latchkey.toml "$@"; }
email=smoke@example.com
password=$(head -c 24 /dev/urandom | base64)
# A fresh install has no database until the service first starts.
as_latchkey migrate
as_latchkey user add "$email" --password-stdin --scope read <<<"$password"
as_latchkey user list | grep -q "^$email" || fail "user list does not show $email"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
# From the unit's WorkingDirectory, so the packaged static files are served.
# setpriv execs latchkey in place (runuser would stay in between, and answer
# SIGTERM with its own exit status), so the stop below reaches latchkey and
# its exit status is latchkey's.
(cd /usr/share/latchkey && exec setpriv --reuid=latchkey --regid=latchkey --init-groups \
    /usr/bin/latchkey --config /etc/latchkey/latchkey.toml serve --bind "127.0.0.1:$port") \
    >"$log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log"; fail "the server exited at start"; }
    sleep 0.1
done
health=$(curl -fsS "$base/healthz") || { cat "$log"; fail "no answer from $base/healthz"; }
[[ $health == *'"ok"'* ]] || fail "/healthz said $health"
curl -fsS -o /dev/null "$base/static/latchkey.css" || fail "the packaged static files are not served"
token=$(curl -fsS "$base/token" --data-urlencode grant_type=password \
    --data-urlencode "username=$email" --data-urlencode "password=$password") \
    || { cat "$log"; fail "POST /token refused the user"; }
[[ $token == *'"access_token"'* && $token == *'"refresh_token"'* ]] || fail "POST /token said $token"
kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=
((status == 0)) || { cat "$log"; fail "the server exited $status after SIGTERM"; }
grep -qF "$password" "$log" && fail "the password reached the log"
for file in /var/lib/latchkey/*; do
    [[ $(stat -c %U "$file") == latchkey ]] || fail "$file is owned by $(stat -c %U "$file")"
done
[[ -f /var/lib/latchkey/latchkey.db ]] || fail "no database in /var/lib/latchkey"
rm -f "$log"

# --- Purge ------------------------------------------------------------------------------
step "dpkg --purge"
dpkg --purge latchkey
installed=no
[[ -z $(dpkg-query -W -f='${Status}' latchkey 2>/dev/null | grep -v 'not-installed') ]] \
    || fail "dpkg still knows latchkey: $(dpkg-query -W -f='${Status}' latchkey)"
for path in /usr/bin/latchkey /etc/latchkey /usr/lib/systemd/system/latchkey.service \
    /usr/lib/systemd/system/latchkey.socket /usr/lib/sysusers.d/latchkey.conf \
    /usr/lib/tmpfiles.d/latchkey.conf /usr/share/latchkey \
    /etc/systemd/system/sockets.target.wants/latchkey.socket \
    /etc/systemd/system/multi-user.target.wants/latchkey.service \
    /var/lib/latchkey; do
    [[ ! -e $path && ! -L $path ]] || fail "$path is still there after purge"
done
# Debian keeps system users on purge (postrm says why); a reinstall reuses it.
getent passwd latchkey >/dev/null || fail "purge removed the latchkey user"
step "all checks passed; the latchkey system user stays, as Debian does"
