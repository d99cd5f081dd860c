#!/usr/bin/env bash
# Kubernetes manifests check (CI), offline:
#  0. yamllint the sources;
#  1. render deploy/kubernetes with `kubectl kustomize` (what `kubectl apply -k deploy/kubernetes` applies);
#  2. validate every rendered object with `kubernetes-validate --strict` (schemas of each Kubernetes version,
#     unknown fields rejected) against the oldest version the manifests need (1.30: the native preStop sleep
#     action is on by default from 1.30) up to the newest the installed package knows;
#  3. check what a schema cannot: the objects agree with each other and with the server (selectors match the
#     pod labels, Service target ports exist, probes use the gRPC port and the health service names, the grace
#     period covers preStop sleep + drain timeout, security context, resources, HPA/PDB targets).
# Usage: scripts/k8s-validate.sh [OUTPUT.yaml]   (installs kubernetes-validate with pip when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=deploy/kubernetes
VERSIONS=${K8S_VERSIONS:-"1.30.0 1.33.0 1.34.0 latest"}
OUT=${1:-}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
[ -n "$OUT" ] || OUT=$WORK/rendered.yaml

need=()
command -v kubernetes-validate >/dev/null || need+=(kubernetes-validate)
command -v yamllint >/dev/null || need+=(yamllint)
if [ "${#need[@]}" -gt 0 ]; then
  python3 -m pip install --quiet --disable-pip-version-check "${need[@]}" 2>&1 | grep -v -i 'root user' || true
fi
for tool in kubernetes-validate yamllint; do
  command -v "$tool" >/dev/null || { echo "FAIL $tool not installable"; exit 1; }
done

yamllint -s -d '{extends: default, rules: {line-length: {max: 120}, document-start: disable}}' "$DIR" ||
  { echo "FAIL yamllint $DIR"; exit 1; }
echo "PASS yamllint $DIR"

if command -v kubectl >/dev/null; then
  kubectl kustomize "$DIR" >"$OUT" || { echo "FAIL kubectl kustomize $DIR"; exit 1; }
  echo "PASS kubectl kustomize $DIR: $(grep -c '^kind:' "$OUT") objects ($(kubectl version --client 2>/dev/null | grep -i kustomize | tr -d '\n'))"
else
  # kubectl comes with the machine image here; without it, validate the resource files one by one (the
  # generated ConfigMap is then checked from config.env by the consistency checks below).
  echo "WARN kubectl not found: validating the resource files without kustomize"
  python3 - "$DIR" "$OUT" <<'PY'
import sys, yaml, os
d, out = sys.argv[1], sys.argv[2]
k = yaml.safe_load(open(os.path.join(d, "kustomization.yaml")))
docs = [open(os.path.join(d, f)).read().strip() for f in k["resources"]]
open(out, "w").write("\n---\n".join(docs) + "\n")
PY
fi

latest=$(python3 -c '
import os, re, kubernetes_validate as kv
d = os.path.join(os.path.dirname(kv.__file__), "kubernetes-json-schema")
vs = [tuple(map(int, m.groups())) for f in os.listdir(d) if (m := re.match(r"v(\d+)\.(\d+)\.(\d+)-local-strict$", f))]
print("%d.%d.%d" % max(vs))')
for v in $VERSIONS; do
  [ "$v" = latest ] && v=$latest
  if kubernetes-validate --strict --quiet -k "$v" "$OUT" >"$WORK/validate.log" 2>&1; then
    echo "PASS kubernetes-validate --strict -k $v"
  else
    cat "$WORK/validate.log"
    echo "FAIL kubernetes-validate --strict -k $v"
    exit 1
  fi
done

python3 - "$OUT" "$DIR/config.env" <<'PY'
import re, sys, yaml

objs = [o for o in yaml.safe_load_all(open(sys.argv[1])) if o]
env = dict(l.split("=", 1) for l in open(sys.argv[2]).read().splitlines() if l.strip() and not l.startswith("#"))
by_kind = {}
for o in objs:
    by_kind.setdefault(o["kind"], []).append(o)
problems = []

def check(cond, what):
    if not cond:
        problems.append(what)

def seconds(v):
    m = re.fullmatch(r"(\d+)(ms|s|m)?", v.strip())
    if not m:
        raise ValueError(f"unreadable duration {v!r}")
    n, unit = int(m.group(1)), m.group(2) or "s"
    return n / 1000 if unit == "ms" else n * 60 if unit == "m" else n

def matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())

(dep,) = by_kind["Deployment"]
spec, pod = dep["spec"], dep["spec"]["template"]["spec"]
pod_labels = dep["spec"]["template"]["metadata"]["labels"]
check(spec.get("replicas", 1) >= 2, "Deployment: fewer than 2 replicas")
check(matches(spec["selector"]["matchLabels"], pod_labels), "Deployment: selector does not match the pod labels")
check(pod.get("automountServiceAccountToken") is False, "pod: service account token mounted")
psc = pod.get("securityContext", {})
check(psc.get("runAsNonRoot") is True and psc.get("runAsUser", 0) != 0, "pod: not non-root")
check(psc.get("seccompProfile", {}).get("type") == "RuntimeDefault", "pod: seccomp not RuntimeDefault")
tsc = pod.get("topologySpreadConstraints", [])
check({c["topologyKey"] for c in tsc} >= {"kubernetes.io/hostname", "topology.kubernetes.io/zone"},
      "pod: no topology spread over nodes and zones")
for c in tsc:
    check(matches(c["labelSelector"]["matchLabels"], pod_labels), "topology spread selector does not match the pods")

(c,) = pod["containers"]
ports = {p["name"]: p["containerPort"] for p in c["ports"]}
check(ports.get("grpc") == 50051 and ports.get("metrics") == 9464, f"container ports {ports}")
for probe, service in [("startupProbe", "readiness"), ("readinessProbe", "readiness"), ("livenessProbe", "liveness")]:
    g = c.get(probe, {}).get("grpc", {})
    check(g.get("port") == ports.get("grpc") and g.get("service") == service,
          f"{probe}: expected a gRPC probe on port {ports.get('grpc')} for service {service!r}, got {g}")
sc = c.get("securityContext", {})
check(sc.get("allowPrivilegeEscalation") is False, "container: privilege escalation allowed")
check(sc.get("readOnlyRootFilesystem") is True, "container: root filesystem writable")
check(sc.get("capabilities", {}).get("drop") == ["ALL"] and not sc.get("capabilities", {}).get("add"),
      "container: capabilities not all dropped")
res = c.get("resources", {})
for kind in ("requests", "limits"):
    check({"cpu", "memory"} <= set(res.get(kind, {})), f"container: {kind} lack cpu or memory")
refs = [e["configMapRef"]["name"] for e in c.get("envFrom", []) if "configMapRef" in e]
cms = {o["metadata"]["name"]: o for o in by_kind.get("ConfigMap", [])}
if cms:
    check(refs and all(r in cms for r in refs), f"envFrom {refs} not among the ConfigMaps {sorted(cms)}")
    for r in refs:
        check(cms[r]["data"] == env, f"ConfigMap {r} differs from config.env")
check(all(k.startswith("ARABIC_TEXT_") for k in env), "config.env: a variable the server does not read")
check(env.get("ARABIC_TEXT_LISTEN", "0.0.0.0:50051").endswith(f":{ports.get('grpc')}"), "listen port != grpc port")
check(env.get("ARABIC_TEXT_METRICS_LISTEN", "0.0.0.0:9464").endswith(f":{ports.get('metrics')}"),
      "metrics port != metrics containerPort")
drain = seconds(env.get("ARABIC_TEXT_DRAIN_TIMEOUT", "20s"))
sleep = c.get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)
grace = pod.get("terminationGracePeriodSeconds", 30)
check(grace > sleep + drain, f"terminationGracePeriodSeconds {grace} <= preStop sleep {sleep} + drain {drain}")
check("ARABIC_TEXT_MAX_CONNECTION_AGE" in env, "no maximum connection age: clients would never rebalance")

svcs = {o["metadata"]["name"]: o for o in by_kind.get("Service", [])}
check(any(s["spec"].get("clusterIP") == "None" for s in svcs.values()), "no headless Service")
check(any(s["spec"].get("clusterIP") != "None" for s in svcs.values()), "no ClusterIP Service")
for name, s in svcs.items():
    check(matches(s["spec"].get("selector"), pod_labels), f"Service {name}: selector does not match the pods")
    for p in s["spec"]["ports"]:
        check(p.get("targetPort") in ports or p.get("targetPort") in ports.values(),
              f"Service {name}: targetPort {p.get('targetPort')} is no container port")
        if p.get("targetPort") in ("grpc", 50051):
            check(p.get("appProtocol") == "grpc", f"Service {name}: gRPC port without appProtocol: grpc")

(hpa,) = by_kind["HorizontalPodAutoscaler"]
ref = hpa["spec"]["scaleTargetRef"]
check(ref["kind"] == "Deployment" and ref["name"] == dep["metadata"]["name"], "HPA does not scale the Deployment")
check(hpa["spec"].get("minReplicas", 1) >= 2, "HPA minReplicas < 2")
check(any(m.get("resource", {}).get("name") == "cpu" for m in hpa["spec"]["metrics"]), "HPA not on CPU")
(pdb,) = by_kind["PodDisruptionBudget"]
check(matches(pdb["spec"]["selector"]["matchLabels"], pod_labels), "PDB selector does not match the pods")

if problems:
    for p in problems:
        print(f"FAIL {p}")
    sys.exit(1)
print(f"PASS consistency: {len(objs)} objects; probes gRPC :{ports['grpc']} readiness/liveness; "
      f"grace {grace}s > preStop {sleep}s + drain {drain:g}s; selectors, ports, HPA and PDB agree")
PY
