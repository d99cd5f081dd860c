#!/usr/bin/env bash
# Kubernetes manifests check (CI), offline:
#  0. yamllint the sources;
#  1. render deploy/kubernetes with `kubectl kustomize` (what `kubectl apply -k deploy/kubernetes` applies), and
#     an overlay of it with the tls and mtls components (deploy/kubernetes/components/);
#  2. validate every rendered object with `kubernetes-validate --strict` (schemas of each Kubernetes version,
#     unknown fields rejected) against the oldest version the manifests need (1.30: the native preStop sleep
#     action is on by default from 1.30) up to the newest the installed package knows; the cert-manager
#     Certificate (a CRD the package has no schema for) is checked field by field against cert-manager v1's
#     spec fields in step 3;
#  3. check what a schema cannot: the objects agree with each other and with the server (selectors match the
#     pod labels, Service target ports exist, probes use the gRPC port (the plaintext health port with TLS) and
#     the health service names, the grace period covers preStop sleep + drain timeout, security context,
#     resources, HPA/PDB targets, the NetworkPolicy admits only labelled callers to gRPC and the monitoring
#     namespace to metrics and allows no egress, the TLS files the server is told to read are in the mounted
#     cert-manager Secret).
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

# The TLS rendering: an overlay with both components, as docs/deployment.md shows it.
mkdir -p "$WORK/tls-overlay"
base_rel=$(python3 -c 'import os,sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' "$PWD/$DIR" "$WORK/tls-overlay")
cat >"$WORK/tls-overlay/kustomization.yaml" <<EOF
resources: [$base_rel]
components: [$base_rel/components/tls, $base_rel/components/mtls]
EOF
TLS_OUT=$WORK/rendered-tls.yaml
command -v kubectl >/dev/null || { echo "FAIL kubectl not found: it renders the kustomizations"; exit 1; }
kubectl kustomize "$DIR" >"$OUT" || { echo "FAIL kubectl kustomize $DIR"; exit 1; }
echo "PASS kubectl kustomize $DIR: $(grep -c '^kind:' "$OUT") objects ($(kubectl version --client 2>/dev/null | grep -i kustomize | tr -d '\n'))"
MODES="base tls"
if [ -d "$DIR/components/tls" ]; then
  kubectl kustomize "$WORK/tls-overlay" >"$TLS_OUT" || { echo "FAIL kubectl kustomize with components/tls, mtls"; exit 1; }
  echo "PASS kubectl kustomize $DIR with components/tls and components/mtls: $(grep -c '^kind:' "$TLS_OUT") objects"
else
  MODES=base TLS_OUT=$OUT
fi

latest=$(python3 -c '
import os, re, kubernetes_validate as kv
d = os.path.join(os.path.dirname(kv.__file__), "kubernetes-json-schema")
vs = [tuple(map(int, m.groups())) for f in os.listdir(d) if (m := re.match(r"v(\d+)\.(\d+)\.(\d+)-local-strict$", f))]
print("%d.%d.%d" % max(vs))')
for v in $VERSIONS; do
  [ "$v" = latest ] && v=$latest
  for rendered in "$OUT" "$TLS_OUT"; do
    if kubernetes-validate --strict --quiet -k "$v" "$rendered" >"$WORK/validate.log" 2>&1; then
      # Only the Certificate (a CRD) may lack a schema.
      if grep -v "Couldn't find schema for kind Certificate with api version cert-manager.io/v1" "$WORK/validate.log" |
        grep -q .; then
        cat "$WORK/validate.log"; echo "FAIL kubernetes-validate --strict -k $v $(basename "$rendered")"; exit 1
      fi
    else
      cat "$WORK/validate.log"
      echo "FAIL kubernetes-validate --strict -k $v $(basename "$rendered")"
      exit 1
    fi
  done
  echo "PASS kubernetes-validate --strict -k $v (base and with TLS)"
done

for mode in $MODES; do
rendered=$OUT
[ "$mode" = tls ] && rendered=$TLS_OUT
python3 - "$rendered" "$DIR/config.env" "$mode" <<'PY'
import re, sys, yaml

objs = [o for o in yaml.safe_load_all(open(sys.argv[1])) if o]
tls = sys.argv[3] == "tls"
env = dict(l.split("=", 1) for l in open(sys.argv[2]).read().splitlines() if l.strip() and not l.startswith("#"))
# What the components add to the generated ConfigMap.
TLS_ENV = {
    "ARABIC_TEXT_TLS_CERT": "/etc/arabic-text/tls/tls.crt",
    "ARABIC_TEXT_TLS_KEY": "/etc/arabic-text/tls/tls.key",
    "ARABIC_TEXT_TLS_CLIENT_CA": "/etc/arabic-text/tls/ca.crt",
    "ARABIC_TEXT_HEALTH_LISTEN": "0.0.0.0:50052",
}
if tls:
    env = {**env, **TLS_ENV}
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
# Probes speak plaintext gRPC: the gRPC port, or with TLS on, the plaintext health port.
probe_port = ports.get("health") if tls else ports.get("grpc")
if tls:
    check(probe_port == 50052 and env["ARABIC_TEXT_HEALTH_LISTEN"].endswith(f":{probe_port}"),
          f"TLS: the health port {probe_port} is not ARABIC_TEXT_HEALTH_LISTEN")
for probe, service in [("startupProbe", "readiness"), ("readinessProbe", "readiness"), ("livenessProbe", "liveness")]:
    g = c.get(probe, {}).get("grpc", {})
    check(g.get("port") == probe_port and g.get("service") == service,
          f"{probe}: expected a gRPC probe on port {probe_port} for service {service!r}, got {g}")
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

# NetworkPolicy: gRPC only from labelled callers, metrics only from the monitoring namespace, no egress.
(np,) = by_kind["NetworkPolicy"]
nps = np["spec"]
check(matches(nps["podSelector"].get("matchLabels"), pod_labels), "NetworkPolicy: podSelector does not match the pods")
check(set(nps.get("policyTypes", [])) == {"Ingress", "Egress"}, "NetworkPolicy: not both Ingress and Egress")
check(nps.get("egress") == [], "NetworkPolicy: egress allowed")
rules = {}
for rule in nps.get("ingress", []):
    for p in rule.get("ports", []):
        check(p["port"] in ports, f"NetworkPolicy: port {p['port']} is no container port")
        rules[p["port"]] = rule["from"]
check(set(rules) == {"grpc", "metrics"}, f"NetworkPolicy: ingress to {sorted(rules)}, expected grpc and metrics")
caller = [{"key": "arabic-text/client", "operator": "In", "values": ["true"]}]
check(all(f.get("podSelector", {}).get("matchExpressions") == caller and not f["podSelector"].get("matchLabels")
          for f in rules.get("grpc", [{}])), f"NetworkPolicy: gRPC callers {rules.get('grpc')}")
monitoring = [{"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["monitoring"]}]
check(all(f.get("namespaceSelector", {}).get("matchExpressions") == monitoring and "podSelector" not in f
          for f in rules.get("metrics", [{}])), f"NetworkPolicy: metrics readers {rules.get('metrics')}")

if tls:
    # The files the server reads are in a whole-Secret volume of the Certificate's secret, readable by its group.
    (cert,) = by_kind["Certificate"]
    allowed = {"secretName", "secretTemplate", "issuerRef", "commonName", "dnsNames", "ipAddresses", "uris",
               "emailAddresses", "duration", "renewBefore", "renewBeforePercentage", "usages", "privateKey", "isCA",
               "subject", "keystores", "literalSubject", "revisionHistoryLimit", "additionalOutputFormats",
               "nameConstraints", "otherNames", "encodeUsagesInRequest"}
    cs = cert["spec"]
    check(cert["apiVersion"] == "cert-manager.io/v1", "Certificate: not cert-manager.io/v1")
    check(set(cs) <= allowed, f"Certificate: unknown spec fields {sorted(set(cs) - allowed)}")
    check(set(cs["issuerRef"]) <= {"name", "kind", "group"} and cs["issuerRef"].get("name"), "Certificate: issuerRef")
    check(cs["issuerRef"].get("kind") in ("Issuer", "ClusterIssuer"), "Certificate: issuerRef.kind")
    check(set(cs["privateKey"]) <= {"algorithm", "encoding", "size", "rotationPolicy"}, "Certificate: privateKey")
    check(cs["privateKey"].get("algorithm") in ("RSA", "ECDSA", "Ed25519"), "Certificate: privateKey.algorithm")
    check(set(cs.get("usages", [])) <= {"server auth", "client auth", "digital signature", "key encipherment"},
          f"Certificate: usages {cs.get('usages')}")
    check("server auth" in cs.get("usages", []), "Certificate: no server auth usage")
    check(bool(re.fullmatch(r"\d+h(\d+m)?(\d+s)?", cs["duration"])) and
          bool(re.fullmatch(r"\d+h(\d+m)?(\d+s)?", cs["renewBefore"])), "Certificate: duration format")
    vols = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = [m for m in c.get("volumeMounts", [])
              if vols.get(m["name"], {}).get("secret", {}).get("secretName") == cs["secretName"]]
    check(len(mounts) == 1 and mounts[0].get("readOnly") is True and "subPath" not in mounts[0],
          "TLS: the Certificate's Secret is not mounted read-only as a whole volume (subPath never updates)")
    for var, key in [("ARABIC_TEXT_TLS_CERT", "tls.crt"), ("ARABIC_TEXT_TLS_KEY", "tls.key"),
                     ("ARABIC_TEXT_TLS_CLIENT_CA", "ca.crt")]:
        check(bool(mounts) and env.get(var) == f"{mounts[0]['mountPath']}/{key}",
              f"TLS: {var}={env.get(var)} is not {key} of the mounted Secret")
    check(pod.get("securityContext", {}).get("fsGroup") == psc.get("runAsGroup"),
          "TLS: the Secret's files are not group-owned by the server's group (fsGroup)")

if problems:
    for p in problems:
        print(f"FAIL {p}")
    sys.exit(1)
print(f"PASS consistency ({sys.argv[3]}): {len(objs)} objects; probes gRPC :{probe_port} readiness/liveness; "
      f"grace {grace}s > preStop {sleep}s + drain {drain:g}s; selectors, ports, HPA, PDB and NetworkPolicy agree"
      + ("; TLS files in the mounted cert-manager Secret" if tls else ""))
PY
done
