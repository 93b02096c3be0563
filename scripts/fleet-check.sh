#!/usr/bin/env bash
# The fleet engines, for real (issue 17 item 6): Debian's ansible-core, Facter 4, promtool and
# node_exporter read what `xen-detect facts` and `xen-detect metrics` give them, through the fact
# scripts and units shipped in contrib/fleet/. Runs on this machine (live: whatever it is) and on
# the recorded CPUID dumps of real Xen environments (a PATH shim appends `--source dump:FILE`, so
# the shipped scripts run unchanged). From a dump, sysfs and /proc are not read: the context is
# CPUID's (HVM for PVH), the domain the CPUID domain id (none in PV), and the identity unread.
# Summary line: "fleet engines: N passed, M failed". XEN_DETECT overrides the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=${XEN_DETECT:-$root/.build/debug/xen-detect}
fixtures=$root/Tests/CPUIDProbeTests/Fixtures
[ -x "$bin" ] || { echo "fleet-check: no $bin (swift build first)" >&2; exit 1; }
for tool in ansible ansible-playbook facter promtool prometheus-node-exporter systemd-analyze jq curl; do
  command -v "$tool" >/dev/null || { echo "fleet-check: $tool is missing (bash scripts/setup.sh installs it)" >&2; exit 1; }
done

work=$(mktemp -d)
exporter_pid=
cleanup() { [ -n "$exporter_pid" ] && kill "$exporter_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
passed=0 failed=0
check() {  # $1: what; $2: actual; $3: expected
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); echo "  ok   $1 = $3"
  else failed=$((failed + 1)); echo "  FAIL $1: got '$2', expected '$3'"; fi
}
started=$(date +%s)

echo "== systemd units: systemd-analyze verify (contrib/fleet)"
# --man=no: the units name man:xen-detect(1), which the Debian package installs, not this tree.
if out=$(systemd-analyze verify --man=no contrib/fleet/xen-detect-metrics.service contrib/fleet/xen-detect-metrics.timer 2>&1); then
  check "systemd-analyze verify" "clean${out:+: $out}" "clean"
else check "systemd-analyze verify" "failed: $out" "clean"; fi
# The service's command line works as written, pointed at this tree's binary and a scratch directory.
cmd=$(sed -n 's/^ExecStart=//p' contrib/fleet/xen-detect-metrics.service)
mkdir -p "$work/ne-dir"
eval "${cmd//\/usr\/bin\/xen-detect/$bin}" --textfile "$work/ne-dir/xen_detect.prom" 2>&1 || true
check "ExecStart writes to Debian's directory" "$(sed -n 's/.*--textfile \([^ ]*\).*/\1/p' <<<"$cmd")" \
  "/var/lib/prometheus/node-exporter/xen_detect.prom"
check "ExecStart's command wrote a textfile" "$(ls "$work/ne-dir")" "xen_detect.prom"

# One real node_exporter for every environment: the textfile collector rereads on each scrape.
textdir=$work/textfile
mkdir -p "$textdir"
port=$((20000 + RANDOM % 20000))
prometheus-node-exporter --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
  --collector.textfile --collector.textfile.directory="$textdir" >"$work/node-exporter.log" 2>&1 &
exporter_pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/metrics" >/dev/null 2>&1 && break; sleep 0.2; done

# environment | source ("" = live) | context | domain | stack | systemd | facter virtual | ansible role | playbook branches
environments=(
  "this-machine||-|-|-|-|-|-|-"
  "pv-dom0 (dump)|xen-4.17-pv-dom0.leaves.pv.txt|PV|null|xen|xen|null|null|xen"
  "pvh-domu (dump)|xen-4.17-pvh-domu.cpuid|HVM|domU|xen|xen|xenhvm|guest|xen,domU"
  "viridian-domu (dump)|xen-4.17-hvm-viridian-domu.cpuid|HVM|domU|microsoft,xen|xen|xenhvm|guest|xen,domU"
)

cat >"$work/playbook.yml" <<'YAML'
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - setup: {filter: ansible_local, fact_path: "{{ fact_dir }}"}
    - name: Only where xen-detect found Xen
      copy: {content: "", dest: "{{ out }}/xen"}
      when: ansible_local.xen_detect.xen.detected
    - name: Only in a Xen domU
      copy: {content: "", dest: "{{ out }}/domU"}
      when: ansible_local.xen_detect.xen.domain == 'domU'
    - name: Only in a PVH domU
      copy: {content: "", dest: "{{ out }}/pvh-domU"}
      when: ansible_local.xen_detect.xen.context == 'PVH' and ansible_local.xen_detect.xen.domain == 'domU'
    - name: Only in dom0
      copy: {content: "", dest: "{{ out }}/dom0"}
      when: ansible_local.xen_detect.xen.domain == 'dom0'
YAML

n=0
for row in "${environments[@]}"; do
  IFS='|' read -r name dump context domain stack systemd virtual role branches <<<"$row"
  n=$((n + 1)); env=$work/env$n
  mkdir -p "$env/bin" "$env/ansible" "$env/facter" "$env/out"
  if [ -n "$dump" ]; then
    printf '#!/bin/sh\nexec %q "$@" --source %q\n' "$bin" "dump:$fixtures/$dump" >"$env/bin/xen-detect"
  else
    printf '#!/bin/sh\nexec %q "$@"\n' "$bin" >"$env/bin/xen-detect"
  fi
  chmod 755 "$env/bin/xen-detect"
  install -m 755 contrib/fleet/xen_detect.fact "$env/ansible/xen_detect.fact"
  install -m 755 contrib/fleet/xen_detect-facter.sh "$env/facter/xen_detect.sh"
  export PATH="$env/bin:$PATH"
  echo "== $name"
  own=$(xen-detect facts)
  if [ -z "$dump" ]; then
    # Live: expect what independent readings of this machine say (the drop-in, systemd-detect-virt).
    [ "$(xen-detect)" = "Not running on Xen." ] && context=null domain=null || context=$(jq -r .xen.context <<<"$own")
    [ "$context" = null ] || domain=$(jq -r .xen.domain <<<"$own")
    stack=$(jq -r '.stackNames | join(",")' <<<"$own")
    if [ "$context" = null ]; then
      systemd=$(systemd-detect-virt --vm || true); virtual=null; role=$([ -n "$stack" ] && echo guest || echo NA)
      branches=""
    else systemd=$(jq -r .vocabularies.systemdDetectVirt <<<"$own"); virtual=$(jq -r .vocabularies.facter.virtual <<<"$own")
      role=$(jq -r .vocabularies.ansible.virtualization_role <<<"$own"); branches=xen${domain:+,$domain}; fi
  fi

  # Ansible: the setup module through the executable fact, then the playbook's branches.
  ansible localhost -c local -i localhost, -m setup -a "filter=ansible_local fact_path=$env/ansible" \
    --tree "$env/tree" >"$env/ansible.log" 2>&1 || cat "$env/ansible.log"
  a=$(jq -c '.ansible_facts.ansible_local.xen_detect' "$env/tree/localhost" 2>/dev/null || echo null)
  check "ansible: context" "$(jq -r '.xen.context' <<<"$a")" "$context"
  check "ansible: domain" "$(jq -r '.xen.domain' <<<"$a")" "$domain"
  check "ansible: stack" "$(jq -r '.stackNames | join(",")' <<<"$a")" "$stack"
  check "ansible: systemd-detect-virt id" "$(jq -r '.vocabularies.systemdDetectVirt' <<<"$a")" "$systemd"
  check "ansible: virtualization_role" "$(jq -r '.vocabularies.ansible.virtualization_role' <<<"$a")" "$role"
  check "ansible: the document is xen-detect's own" \
    "$([ "$(jq -S -c 'del(.cpuidExecutions)' <<<"$a")" = "$(jq -S -c 'del(.cpuidExecutions)' <<<"$own")" ] && echo same || echo different)" same
  ansible-playbook -i localhost, -e "fact_dir=$env/ansible out=$env/out" "$work/playbook.yml" >"$env/playbook.log" 2>&1 \
    || { cat "$env/playbook.log"; }
  check "playbook: branches taken" "$(ls "$env/out" | sort | paste -sd, -)" "$(tr , '\n' <<<"$branches" | sed '/^$/d' | sort | paste -sd, -)"

  # Facter 4: the external executable fact, wrapped as xen_detect.
  f=$(facter --external-dir "$env/facter" -j xen_detect 2>"$env/facter.log" | jq -c '.xen_detect' || echo null)
  check "facter: context" "$(jq -r '.xen.context' <<<"$f")" "$context"
  check "facter: stack" "$(jq -r '.stackNames | join(",")' <<<"$f")" "$stack"
  check "facter: virtual" "$(jq -r '.vocabularies.facter.virtual' <<<"$f")" "$virtual"
  check "facter: hypervisors.xen.privileged" "$(jq -r '.vocabularies.facter.hypervisorsXen.privileged | tostring' <<<"$f")" \
    "$(case $domain in dom0) echo true;; domU) echo false;; *) echo null;; esac)"

  # Prometheus: promtool's lint, then node_exporter's textfile collector serving our series.
  xen-detect metrics >"$env/metrics.prom"
  lint=$(promtool check metrics <"$env/metrics.prom" 2>&1) && check "promtool check metrics" "clean${lint:+: $lint}" "clean" \
    || check "promtool check metrics" "failed: $lint" "clean"
  xen-detect metrics --textfile "$textdir/xen_detect.prom"
  scrape=$(curl -sf "http://127.0.0.1:$port/metrics" || true)
  check "node_exporter: node_textfile_scrape_error" "$(sed -n 's/^node_textfile_scrape_error //p' <<<"$scrape")" "0"
  check "node_exporter: stack series" \
    "$(grep '^xen_detect_hypervisor_info{' <<<"$scrape" | sed 's/.*name="\([^"]*\)",position="\([0-9]*\)".*/\2 \1/' | sort -n | cut -d' ' -f2 | paste -sd, -)" "$stack"
  if [ "$context" = null ]; then
    check "node_exporter: xen_detect_xen_detected" "$(sed -n 's/^xen_detect_xen_detected //p' <<<"$scrape")" "0"
  else
    check "node_exporter: xen_detect_xen_info" "$(grep -c "^xen_detect_xen_info{context=\"${context,,}\",domain=\"$([ "$domain" = null ] && echo unknown || echo "$domain")\"" <<<"$scrape")" "1"
  fi
  export PATH="${PATH#"$env/bin:"}"
done

# --- What the Xen stage recorded in real environments (checks/50-fleet.sh, run.sh --record) ------
# Each recorded document goes to the engines as a static fact: Ansible reads a non-executable
# .fact file in fact_path as JSON, Facter a .json file in --external-dir (its top-level keys are
# the facts, so the document is wrapped as Facter's own script wraps it). The recorded metrics go
# to promtool and to the node_exporter above. Expected: item 5's values for what the stage booted.
recorded=$root/Tests/FleetTests/Fixtures
# where | context | domain | stack | systemd | facter virtual | hypervisors.xen context | privileged | role | tech_guest | tech_host | dmi vendor | dmiAbsent
# Recorded on Xen 4.17 and 4.20 and plain Linux. Each release's rows are the same: what the rules
# read (guest_type, control_d, the signatures in leaf order, hvmloader's DMI) does not differ
# between them. The I/O domUs (HVM with a PV or an emulated disk) are hvm-domu's row, since no
# vocabulary reads a device.
recordings=()
for release in 4.17 4.20; do
  recordings+=(
    "xen-$release-pv-dom0|PV|dom0|xen,qemu|qemu|xen0|pv|true|host|kvm|xen|-|-"
    "xen-$release-pvh-dom0|PVH|dom0|xen|none|xen0|pvh|true|host||xen|-|-"
    "xen-$release-pv-domu|PV|domU|xen,qemu|xen|xenu|pv|false|guest|xen,kvm||null|noFirmwareTables"
    "xen-$release-pvh-domu|PVH|domU|xen|xen|xenu|pvh|false|guest|xen||null|noFirmwareTables"
    "xen-$release-hvm-domu|HVM|domU|xen|xen|xenhvm|hvm|false|guest|xen||Xen|null"
    "xen-$release-hvm-viridian-domu|HVM|domU|microsoft,xen|xen|xenhvm|hvm|false|guest|xen||Xen|null"
    "xen-$release-hvm-pvio-domu|HVM|domU|xen|xen|xenhvm|hvm|false|guest|xen||Xen|null"
    "xen-$release-hvm-emulated-domu|HVM|domU|xen|xen|xenhvm|hvm|false|guest|xen||Xen|null"
  )
done
recordings+=(
  "qemu-tcg-linux|null|null|qemu|qemu|null|null|null|guest|kvm||QEMU|null"
)
for row in "${recordings[@]}"; do
  IFS='|' read -r where context domain stack systemd virtual hxcontext privileged role techguest techhost vendor absent <<<"$row"
  echo "== recorded in $where (static facts, recorded metrics)"
  facts=$recorded/$where.facts.json metrics=$recorded/$where.metrics.prom
  if [ ! -s "$facts" ] || [ ! -s "$metrics" ]; then
    check "recorded fixtures" "missing $([ -s "$facts" ] || echo "$facts") $([ -s "$metrics" ] || echo "$metrics")" "present"
    continue
  fi
  n=$((n + 1)); env=$work/env$n
  mkdir -p "$env/ansible" "$env/facter" "$env/out"
  install -m 644 "$facts" "$env/ansible/xen_detect.fact"
  jq -c '{xen_detect: .}' "$facts" >"$env/facter/xen_detect.json"
  ansible localhost -c local -i localhost, -m setup -a "filter=ansible_local fact_path=$env/ansible" \
    --tree "$env/tree" >"$env/ansible.log" 2>&1 || cat "$env/ansible.log"
  a=$(jq -c '.ansible_facts.ansible_local.xen_detect' "$env/tree/localhost" 2>/dev/null || echo null)
  check "ansible: the recorded document, unchanged" "$(jq -S -c . <<<"$a" | md5sum | cut -c1-32)" "$(jq -S -c . "$facts" | md5sum | cut -c1-32)"
  check "ansible: xen.context" "$(jq -r '.xen.context' <<<"$a")" "$context"
  check "ansible: xen.domain" "$(jq -r '.xen.domain' <<<"$a")" "$domain"
  check "ansible: stackNames" "$(jq -r '.stackNames | join(",")' <<<"$a")" "$stack"
  check "ansible: systemd-detect-virt id" "$(jq -r '.vocabularies.systemdDetectVirt' <<<"$a")" "$systemd"
  check "ansible: virtualization_type" "$(jq -r '.vocabularies.ansible.virtualization_type' <<<"$a")" \
    "$([ "$context" = null ] && echo kvm || echo xen)"
  check "ansible: virtualization_role" "$(jq -r '.vocabularies.ansible.virtualization_role' <<<"$a")" "$role"
  check "ansible: virtualization_tech_guest" "$(jq -r '.vocabularies.ansible.virtualization_tech_guest | join(",")' <<<"$a")" "$techguest"
  check "ansible: virtualization_tech_host" "$(jq -r '.vocabularies.ansible.virtualization_tech_host | join(",")' <<<"$a")" "$techhost"
  ansible-playbook -i localhost, -e "fact_dir=$env/ansible out=$env/out" "$work/playbook.yml" >"$env/playbook.log" 2>&1 \
    || cat "$env/playbook.log"
  branches=$([ "$context" = null ] || echo xen)
  [ "$domain" = null ] || branches="$branches,$domain"
  [ "$context/$domain" = PVH/domU ] && branches="$branches,pvh-domU"
  check "playbook: branches taken" "$(ls "$env/out" | sort | paste -sd, -)" "$(tr , '\n' <<<"$branches" | sed '/^$/d' | sort | paste -sd, -)"

  f=$(facter --external-dir "$env/facter" -j xen_detect 2>"$env/facter.log" | jq -c '.xen_detect' || echo null)
  check "facter: the recorded document, unchanged" "$(jq -S -c . <<<"$f" | md5sum | cut -c1-32)" "$(jq -S -c . "$facts" | md5sum | cut -c1-32)"
  check "facter: virtual" "$(jq -r '.vocabularies.facter.virtual' <<<"$f")" "$virtual"
  check "facter: hypervisors.xen.context" "$(jq -r '.vocabularies.facter.hypervisorsXen.context // "null"' <<<"$f")" "$hxcontext"
  check "facter: hypervisors.xen.privileged" "$(jq -r '.vocabularies.facter.hypervisorsXen.privileged | tostring' <<<"$f")" "$privileged"
  check "facter: identity.read" "$(jq -r '.identity.read' <<<"$f")" "true"
  [ "$vendor" = - ] || check "facter: identity.dmi.sysVendor" "$(jq -r '.identity.dmi.sysVendor // "null"' <<<"$f")" "$vendor"
  [ "$absent" = - ] || check "facter: identity.dmiAbsent" "$(jq -r '.identity.dmiAbsent // "null"' <<<"$f")" "$absent"
  case "$where" in
    *-dom0) check "facter: identity.uuid (dom0's zero handle)" "$(jq -r '.identity.uuid' <<<"$f")" "00000000-0000-0000-0000-000000000000" ;;
    *-domu) check "facter: identity.uuid is a domU's handle" \
      "$(jq -r '.identity.uuid | test("^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$") and . != "00000000-0000-0000-0000-000000000000"' <<<"$f")" "true" ;;
  esac

  lint=$(promtool check metrics <"$metrics" 2>&1) && check "promtool check metrics" "clean${lint:+: $lint}" "clean" \
    || check "promtool check metrics" "failed: $lint" "clean"
  cp "$metrics" "$textdir/xen_detect.prom.tmp" && mv "$textdir/xen_detect.prom.tmp" "$textdir/xen_detect.prom"
  scrape=$(curl -sf "http://127.0.0.1:$port/metrics" || true)
  check "node_exporter: node_textfile_scrape_error" "$(sed -n 's/^node_textfile_scrape_error //p' <<<"$scrape")" "0"
  check "node_exporter: stack series" \
    "$(grep '^xen_detect_hypervisor_info{' <<<"$scrape" | sed 's/.*name="\([^"]*\)",position="\([0-9]*\)".*/\2 \1/' | sort -n | cut -d' ' -f2 | paste -sd, -)" "$stack"
  if [ "$context" = null ]; then
    check "node_exporter: xen_detect_xen_detected" "$(sed -n 's/^xen_detect_xen_detected //p' <<<"$scrape")" "0"
  else
    check "node_exporter: xen_detect_xen_info" \
      "$(grep -o '^xen_detect_xen_info{context="[^"]*",domain="[^"]*"' <<<"$scrape" | sed 's/.*context="\([^"]*\)",domain="\([^"]*\)"/\1 \2/')" \
      "${context,,} $domain"
  fi
done

echo "fleet engines: $passed passed, $failed failed ($(( $(date +%s) - started )) s)"
[ "$failed" -eq 0 ]
