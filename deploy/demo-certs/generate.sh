#!/usr/bin/env bash
# Generates the DEMO-ONLY certificates in this directory (openssl): a demo CA, a server certificate
# for localhost/127.0.0.1 that bff-partner's mTLS listener presents, and two partner client
# certificates (acme, globex) signed by the same CA. Valid for 10 years so a fresh clone works.
# The private keys are committed ON PURPOSE: they protect nothing. Never use them outside the demo;
# in production point bff-partner at your own files (PARTNER_TLS_CERT, PARTNER_TLS_KEY, PARTNER_CLIENT_CA).
set -euo pipefail
cd "$(dirname "$0")"
days=3650
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ec demo-ca-key.pem
openssl req -x509 -new -key demo-ca-key.pem -sha256 -days $days -subj "/O=BFF demo (NOT FOR PRODUCTION)/CN=BFF demo CA" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" -out demo-ca.pem

issue() { # name subject ext
  ec "$1-key.pem"
  openssl req -new -key "$1-key.pem" -subj "$2" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA demo-ca.pem -CAkey demo-ca-key.pem -CAcreateserial -sha256 -days $days \
    -extfile <(printf '%s\n' "$3") -out "$1.pem" 2>/dev/null
  rm -f "$1.csr"
}
issue server "/O=BFF demo (NOT FOR PRODUCTION)/CN=localhost" \
  "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1"
for p in acme globex; do
  issue "partner-$p" "/O=BFF demo (NOT FOR PRODUCTION)/CN=$p" \
    "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectAltName=URI:spiffe://partners.demo/$p"
done
rm -f demo-ca.srl
echo "demo certificates written to $(pwd)"
