#!/usr/bin/env bash
# The container lab: a Docker engine with BuildKit (buildx, compose), an OCI registry on 127.0.0.1:5000 and a
# Node base image, on a Debian 12 machine that has no engine and cannot reach any image registry (only the
# npm registry and Debian's mirrors). Used by .ci/run before `pnpm test:e2e`, and by developers.
#
#   bash scripts/ci/container-lab.sh up       start what is missing (idempotent; safe to run again)
#   bash scripts/ci/container-lab.sh status   what is running, and who started it
#   bash scripts/ci/container-lab.sh down     stop what `up` started (by PID file), nothing else; empty the lab registry's storage
#
# Why it looks like this:
# - Debian bookworm's docker.io has no buildx, so dockerd, buildx and compose come from Debian trixie's .debs,
#   unpacked with `dpkg -x` (not installed), and run on bookworm's containerd and runc.
# - The containerd image store (`containerd-snapshotter`) lets the default builder export a local BuildKit cache.
# - The base image is made without any registry: debootstrap minbase + this machine's own node binary. npm is
#   reached through a TLS-intercepting proxy here, so the image carries the machine's CA bundle and
#   NODE_EXTRA_CA_CERTS (without them `pnpm install` in a build fails after long retries).
# - An engine that already answers `docker info` is used as it is and never stopped; a registry already
#   answering on 127.0.0.1:5000 likewise. On such a machine, if the Dockerfiles' default base image can be
#   pulled, it is used instead of the local one.
#
# The result is written to $LAB/lab.json, which the e2e suite and bench read:
#   {"engine":"lab|host","registry":"127.0.0.1:5000","nodeImage":"<ref or empty for the default>","cacheDir":"..."}
#
# Environment: CONTAINER_LAB_DIR (default /var/tmp/kc-container-lab; kept between runs: packages, rootfs,
# image store and BuildKit cache are reused, which is what makes a second `up` take seconds).
set -euo pipefail

LAB=${CONTAINER_LAB_DIR:-/var/tmp/kc-container-lab}
REGISTRY_ADDR=127.0.0.1:5000
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
LOCAL_BASE=localhost/node:${NODE_MAJOR}-bookworm
PKG=$LAB/packages          # trixie apt state, downloaded .debs, and their unpacked tree (x/)
X=$PKG/x
ENGINE=$LAB/engine
REG=$LAB/registry
PLUGINS=(docker-buildx docker-compose)
export DEBIAN_FRONTEND=noninteractive

t0=$SECONDS
# Progress goes to stderr: stdout of helpers (base_image) carries values.
say() { printf '[container-lab %3ss] %s\n' "$((SECONDS - t0))" "$*" >&2; }
die() { printf 'container-lab: %s\n' "$*" >&2; exit 1; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pid_of() { [ -s "$1" ] && cat "$1" || true; }
engine_ok() { timeout 10 docker info >/dev/null 2>&1; }
registry_ok() { curl -sf --max-time 2 "http://$REGISTRY_ADDR/v2/" >/dev/null 2>&1; }
plugin_dir() { echo "${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"; }

mirror() {
  local m=""
  [ -f /etc/apt/sources.list.d/debian.sources ] && m=$(sed -n 's/^URIs: //p' /etc/apt/sources.list.d/debian.sources | head -1)
  [ -z "$m" ] && [ -f /etc/apt/sources.list ] && m=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list)
  echo "${m:-http://deb.debian.org/debian}"
}

# bookworm packages, installed for real: the runtime under dockerd, the registry, the rootfs builder.
apt_install() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "apt-get install ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null 2>&1 || {
    apt-get update -qq </dev/null >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
  }
}

# trixie's dockerd, buildx and compose plugins, unpacked under $X (kept: a second run downloads nothing).
trixie_tools() {
  [ -x "$X/usr/sbin/dockerd" ] && [ -x "$X/usr/libexec/docker/cli-plugins/docker-buildx" ] \
    && [ -x "$X/usr/libexec/docker/cli-plugins/docker-compose" ] && return 0
  say "downloading docker.io, docker-buildx, docker-compose from Debian trixie"
  mkdir -p "$PKG/lists/partial" "$PKG/cache/archives/partial" "$PKG/debs"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror) trixie main" >"$PKG/trixie.list"
  local apt_opts=(-o APT::Sandbox::User=root -o "Dir::Etc::SourceList=$PKG/trixie.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$PKG/lists" -o "Dir::Cache=$PKG/cache")
  apt-get "${apt_opts[@]}" update -qq </dev/null >/dev/null
  local debs=(docker.io docker-buildx docker-compose)
  command -v docker >/dev/null || debs+=(docker-cli)
  (cd "$PKG/debs" && apt-get "${apt_opts[@]}" download -qq "${debs[@]}" </dev/null >/dev/null)
  rm -rf "$X.tmp" && mkdir -p "$X.tmp"
  for d in "$PKG"/debs/*.deb; do dpkg -x "$d" "$X.tmp"; done
  rm -rf "$X" && mv "$X.tmp" "$X"
}

# A machine without a docker CLI gets the unpacked one on PATH (the e2e suite and .ci/run call `docker`);
# recorded like the plugins so that `down` removes the link.
link_cli() {
  command -v docker >/dev/null && return 0
  ln -sfn "$X/usr/bin/docker" /usr/local/bin/docker
  echo /usr/local/bin/docker >>"$LAB/plugins.linked"
}

# Make the CLI find buildx and compose, unless it already does; remember what was linked so `down` removes it.
link_plugins() {
  local dir; dir=$(plugin_dir)
  mkdir -p "$dir"
  for p in "${PLUGINS[@]}"; do
    local sub=${p#docker-}
    docker "$sub" version >/dev/null 2>&1 && continue
    ln -sfn "$X/usr/libexec/docker/cli-plugins/$p" "$dir/$p"
    echo "$dir/$p" >>"$LAB/plugins.linked"
  done
}

engine_up() {
  local pid; pid=$(pid_of "$ENGINE/dockerd.pid")
  if alive "$pid"; then
    echo lab >"$LAB/engine.kind"
    for _ in $(seq 60); do engine_ok && { say "engine: running (lab, pid $pid)"; return 0; }; sleep 0.5; done
    die "dockerd (pid $pid) runs but does not answer; see $ENGINE/dockerd.log"
  fi
  if engine_ok; then
    say "engine: using the engine that is already running (the lab will not stop it)"
    echo host >"$LAB/engine.kind"
    return 0
  fi
  apt_install containerd runc iptables
  trixie_tools
  link_cli
  mkdir -p "$ENGINE"
  rm -f "$ENGINE/dockerd.pid"
  echo '{"features":{"containerd-snapshotter":true}}' >"$ENGINE/daemon.json"
  say "engine: starting dockerd $("$X/usr/sbin/dockerd" --version | awk '{print $3}' | tr -d ,)"
  PATH="$X/usr/sbin:$X/usr/bin:$PATH" setsid nohup dockerd --config-file "$ENGINE/daemon.json" \
    --data-root "$ENGINE/data" --exec-root "$ENGINE/exec" --pidfile "$ENGINE/dockerd.pid" \
    </dev/null >"$ENGINE/dockerd.log" 2>&1 &
  for _ in $(seq 120); do engine_ok && break; sleep 0.5; done
  engine_ok || { tail -20 "$ENGINE/dockerd.log" >&2; die "dockerd did not come up in 60 s; log: $ENGINE/dockerd.log"; }
  echo lab >"$LAB/engine.kind"
}

registry_up() {
  local pid; pid=$(pid_of "$REG/registry.pid")
  if alive "$pid" && registry_ok; then say "registry: running on $REGISTRY_ADDR (lab, pid $pid)"; return 0; fi
  if ! alive "$pid" && registry_ok; then say "registry: using the one already on $REGISTRY_ADDR (the lab will not stop it)"; return 0; fi
  if alive "$pid"; then kill "$pid" 2>/dev/null || true; fi
  apt_install docker-registry
  mkdir -p "$REG/data"
  cat >"$REG/config.yml" <<EOF
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $REG/data}, delete: {enabled: true}}
http: {addr: "$REGISTRY_ADDR"}
EOF
  setsid nohup docker-registry serve "$REG/config.yml" </dev/null >"$REG/registry.log" 2>&1 &
  echo $! >"$REG/registry.pid"
  for _ in $(seq 40); do registry_ok && break; sleep 0.25; done
  registry_ok || { tail -20 "$REG/registry.log" >&2; die "registry did not answer on $REGISTRY_ADDR; log: $REG/registry.log"; }
  say "registry: started on $REGISTRY_ADDR (pid $(cat "$REG/registry.pid"))"
}

# The base image every service Dockerfile builds FROM (--build-arg NODE_IMAGE=...). Echoes the ref to use,
# or nothing when the Dockerfiles' default can be used (a host engine that can pull it).
base_image() {
  if [ "$(cat "$LAB/engine.kind")" = host ]; then
    local default; default=$(sed -n 's/^ARG NODE_IMAGE=//p' "$ROOT/services/Dockerfile.template" | head -1)
    if [ -n "$default" ] && timeout 120 docker pull -q "$default" >/dev/null 2>&1; then echo ""; return 0; fi
  fi
  if ! docker image inspect "$LOCAL_BASE" >/dev/null 2>&1; then
    local r=$LAB/rootfs
    if [ ! -x "$r/bin/bash" ]; then
      apt_install debootstrap
      say "base: debootstrap bookworm minbase (a few minutes)"
      rm -rf "$r.tmp"
      debootstrap --variant=minbase bookworm "$r.tmp" "$(mirror)" </dev/null >"$LAB/debootstrap.log" 2>&1 \
        || { tail -20 "$LAB/debootstrap.log" >&2; die "debootstrap failed; log: $LAB/debootstrap.log"; }
      mv "$r.tmp" "$r"
    fi
    rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/* "$r"/usr/share/{doc,man,locale}/*
    install -D -m755 "$(readlink -f "$(command -v node)")" "$r/usr/local/bin/node"
    rm -rf "$r/usr/local/lib/node_modules/npm" && mkdir -p "$r/usr/local/lib/node_modules"
    cp -a "$(npm root -g)/npm" "$r/usr/local/lib/node_modules/"
    ln -sfn ../lib/node_modules/npm/bin/npm-cli.js "$r/usr/local/bin/npm"
    ln -sfn ../lib/node_modules/npm/bin/npx-cli.js "$r/usr/local/bin/npx"
    install -D -m644 /etc/ssl/certs/ca-certificates.crt "$r/etc/ssl/certs/ca-certificates.crt"
    chroot "$r" id node >/dev/null 2>&1 || chroot "$r" sh -c 'groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/bash node'
    tar -C "$r" -c . | docker import \
      -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      -c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
      -c 'CMD ["node"]' - "$LOCAL_BASE" >/dev/null
    say "base: imported $LOCAL_BASE (node $(node --version))"
  fi
  echo "$LOCAL_BASE"
}

up() {
  mkdir -p "$LAB"
  command -v curl >/dev/null || apt_install curl
  engine_up
  if [ "$(cat "$LAB/engine.kind")" = lab ] || ! docker buildx version >/dev/null 2>&1 || ! docker compose version >/dev/null 2>&1; then
    trixie_tools
    link_plugins
  fi
  docker buildx version >/dev/null 2>&1 || die "docker buildx is not available"
  docker compose version >/dev/null 2>&1 || die "docker compose is not available"
  registry_up
  local node_image; node_image=$(base_image)
  say "base: ${node_image:-the default of the Dockerfiles}"
  mkdir -p "$LAB/buildkit-cache"
  printf '{"engine":"%s","registry":"%s","nodeImage":"%s","cacheDir":"%s"}\n' \
    "$(cat "$LAB/engine.kind")" "$REGISTRY_ADDR" "$node_image" "$LAB/buildkit-cache" >"$LAB/lab.json"
  say "up: $(cat "$LAB/lab.json")"
}

stop_pid() { # name pidfile seconds
  local pid; pid=$(pid_of "$2")
  if ! alive "$pid"; then rm -f "$2"; return 0; fi
  say "stopping $1 (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq $(($3 * 4))); do alive "$pid" || break; sleep 0.25; done
  if alive "$pid"; then say "$1 did not stop in $3 s; killing pid $pid"; kill -9 "$pid" 2>/dev/null || true; sleep 0.5; fi
  rm -f "$2"
}

down() {
  [ -d "$LAB" ] || { say "down: nothing to stop ($LAB does not exist)"; return 0; }
  if [ -s "$REG/registry.pid" ]; then
    stop_pid registry "$REG/registry.pid" 10
    # The lab's registry is scratch space for the tests (every push is a new tag): emptied when it stops.
    rm -rf "$REG/data"
  fi
  if [ -s "$ENGINE/dockerd.pid" ]; then
    stop_pid dockerd "$ENGINE/dockerd.pid" 40
    # Mounts the engine left under the lab (container rootfs, snapshots) and the bridge it created.
    mount | awk -v lab="$LAB/" 'index($3, lab) == 1 {print $3}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    ip link show docker0 >/dev/null 2>&1 && ip link del docker0 2>/dev/null || true
  fi
  if [ -f "$LAB/plugins.linked" ]; then
    while read -r link; do [ -L "$link" ] && [[ $(readlink "$link") == "$LAB"/* ]] && rm -f "$link"; done <"$LAB/plugins.linked"
    rm -f "$LAB/plugins.linked"
  fi
  rm -f "$LAB/lab.json" "$LAB/engine.kind"
  say "down"
}

status() {
  local rc=0 pid
  pid=$(pid_of "$ENGINE/dockerd.pid")
  if alive "$pid"; then echo "engine:   running (lab, pid $pid)"; elif engine_ok; then echo "engine:   running (not the lab's)"; else echo "engine:   down"; rc=1; fi
  pid=$(pid_of "$REG/registry.pid")
  if alive "$pid" && registry_ok; then echo "registry: running on $REGISTRY_ADDR (lab, pid $pid)"; elif registry_ok; then echo "registry: running on $REGISTRY_ADDR (not the lab's)"; else echo "registry: down"; rc=1; fi
  docker buildx version >/dev/null 2>&1 && echo "buildx:   $(docker buildx version | awk '{print $2}')" || { echo "buildx:   missing"; rc=1; }
  docker compose version >/dev/null 2>&1 && echo "compose:  $(docker compose version --short)" || { echo "compose:  missing"; rc=1; }
  if [ -f "$LAB/lab.json" ]; then echo "lab.json: $(cat "$LAB/lab.json")"; else echo "lab.json: none (run up)"; rc=1; fi
  return $rc
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status   (state in \$CONTAINER_LAB_DIR, default /var/tmp/kc-container-lab)" >&2; exit 2 ;;
esac
