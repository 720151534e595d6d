#!/usr/bin/env bash
# Creates the Secrets the manifests reference, in namespace bff (or $NAMESPACE), with DEMO material:
# a random admin token and Redis password, the digests of the demo partner keys (README) and the
# DEMO-ONLY certificates of deploy/demo-certs. A Secret that exists already is kept, so running it
# again changes nothing. Nothing secret is in the repository: production creates the same names and
# keys from its own material, e.g.
#   kubectl -n bff create secret generic bff-partner-tls --from-file=tls.crt=server.pem \
#     --from-file=tls.key=server-key.pem --from-file=ca.crt=partners-ca.pem
# ManifestsTest checks that every Secret and key the manifests name is created here.
set -euo pipefail
cd "$(dirname "$0")/../.."
NS=${NAMESPACE:-bff}

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
digest() { printf %s "$1" | sha256sum | cut -d' ' -f1; }

secret() {
  local name=$1
  shift
  if kubectl -n "$NS" get secret "$name" >/dev/null 2>&1; then
    echo "secret/$name exists, kept"
  else
    kubectl -n "$NS" create secret generic "$name" "$@"
  fi
}

kubectl get namespace "$NS" >/dev/null 2>&1 || kubectl create namespace "$NS"

# ADMIN_TOKEN of every gateway: admin API and /metrics (Prometheus sends it), not /health/*
secret bff-admin --from-literal=token="$(random_hex 24)"
# the Redis password: redis-server --requirepass, and the gateways' REDIS_URL
secret bff-redis --from-literal=password="$(random_hex 24)"
# bff-partner's API keys, by digest: the DEMO keys bffdemo_acme_4f9c2e7a1b and bffdemo_globex_8d3b6a0f5e
secret bff-partner-api-keys --from-literal=acme-sha256="$(digest bffdemo_acme_4f9c2e7a1b)" \
  --from-literal=globex-sha256="$(digest bffdemo_globex_8d3b6a0f5e)"
# bff-partner's mutual-TLS listener: DEMO certificate (for localhost) and the DEMO partners' CA
secret bff-partner-tls --from-file=tls.crt=deploy/demo-certs/server.pem \
  --from-file=tls.key=deploy/demo-certs/server-key.pem --from-file=ca.crt=deploy/demo-certs/demo-ca.pem

echo "admin token: kubectl -n $NS get secret bff-admin -o jsonpath='{.data.token}' | base64 -d"
