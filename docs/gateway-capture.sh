#!/bin/bash
# The capture session behind the examples of docs/gateway-protocol.md: a fresh reference gateway
# (`mio-desk gateway serve`), ЦОН and the portal played with `mio-desk gateway submit`, office
# 0412 a real workstation (`mio-desk sync --once`), office 0413 played by hand with curl, jq and
# openssl. Needs curl, jq, openssl, python3. Usage: MIO_DESK=target/debug/mio-desk docs/gateway-capture.sh
set -u
M=$(realpath "${MIO_DESK:-target/debug/mio-desk}")
G=http://127.0.0.1:8787
WORK=$(mktemp -d)
cd "$WORK"
python3 - <<'PY'
import zlib, struct
def png(w, h):
    raw = b''.join(b'\x00' + bytes([(x * 40 + y * 20) % 256 for x in range(w) for _ in range(3)]) for y in range(h))
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
open('passport.png', 'wb').write(png(32, 24))
PY
OFF=$($M gateway token --db gw.sqlite --client 0412)
CON=$($M gateway token --db gw.sqlite --client con-0412)
POR=$($M gateway token --db gw.sqlite --client portal)
B=$($M gateway token --db gw.sqlite --client 0413)
echo "tokens: 0412=$OFF con-0412=$CON portal=$POR 0413=$B"
$M gateway serve --listen 127.0.0.1:8787 --db gw.sqlite 2> serve.log &
SRV=$!
sleep 1
show() { echo; echo "\$ $*"; }
req() { # method path token [curl args...]
  local m=$1 p=$2 t=$3; shift 3
  show "curl -X $m $G$p  (token ${t:0:6}…)" "$@"
  if [ -n "$t" ]; then curl -s -o "$WORK/body" -w '%{http_code}\n' -X $m -H "Authorization: Bearer $t" "$@" "$G$p"; else curl -s -o "$WORK/body" -w '%{http_code}\n' -X $m "$@" "$G$p"; fi
  if file "$WORK/body" | grep -q text; then jq . "$WORK/body" 2>/dev/null || cat "$WORK/body"; else echo "<$(stat -c %s "$WORK/body") bytes>"; fi
}
req GET /v1/whoami "$CON"
req GET /v1/whoami ""
req GET /v1/whoami "nonsense"
SHA=$(sha256sum passport.png | cut -d' ' -f1); N=$(stat -c %s passport.png)
echo "passport.png sha256=$SHA size=$N"
req GET /v1/blobs/$SHA/status "$CON"
head -c 200 passport.png > part1
tail -c +201 passport.png > part2
req PUT "/v1/blobs/$SHA?offset=0&total=$N" "$CON" --data-binary @part1
req GET /v1/blobs/$SHA/status "$CON"
req PUT "/v1/blobs/$SHA?offset=0&total=$N" "$B" --data-binary @part1
req PUT "/v1/blobs/$SHA?offset=300&total=$N" "$CON" --data-binary @part2
req PUT "/v1/blobs/$SHA?offset=200&total=$N" "$CON" --data-binary @part2
req GET /v1/blobs/$SHA/status "$B"
show "mio-desk gateway submit --gateway $G --token \$CON --office 0412 --channel con --service unemployed_certificate --iin 850315300128 --name 'Әбілқасымова Гүлшат Зиналбекқызы' --fields-json '{\"period_from\":2025,\"period_to\":2026}' --attach identity_document=passport.png"
ID=$($M gateway submit --gateway $G --token $CON --office 0412 --channel con --service unemployed_certificate --iin 850315300128 --name 'Әбілқасымова Гүлшат Зиналбекқызы' --fields-json '{"period_from":2025,"period_to":2026}' --attach identity_document=passport.png)
echo "$ID"
req GET /v1/messages/$ID/status "$CON"
req GET "/v1/messages?after=0&limit=100" "$OFF"
req GET "/v1/messages?after=0&limit=100" "$B"
req GET /v1/blobs/$SHA "$OFF"
req GET /v1/blobs/$SHA "$B"
req POST /v1/messages/$ID/ack "$B" -H 'content-type: application/json' -d '{"accepted":true}'
# The real workstation takes it.
$M --data-dir office init --office-code 0412 --office-name-kk '«Ақсу ауданының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі» ММ' --office-name-ru 'ГУ «Отдел занятости и социальных программ Аксуского района»' --workstation 01 > /dev/null
show "mio-desk sync --once --gateway $G --token \$OFF"; $M --data-dir office sync --once --gateway $G --token $OFF
show "mio-desk sync --once"; $M --data-dir office sync --once
req GET /v1/messages/$ID/status "$CON"
req GET "/v1/inbox?after=0&limit=100" "$CON"
NOTICE=$(jq -r '.[0].envelope.messageId' body)
req GET /v1/messages/$NOTICE/status "$OFF"
req GET /v1/messages/$NOTICE/status "$B"
show "mio-desk gateway inbox --gateway $G --token \$CON"; $M gateway inbox --gateway $G --token $CON
# A message to office 0413, which acknowledges it by hand.
ID2=$($M gateway submit --gateway $G --token $CON --office 0413 --channel con --service unemployed_certificate --iin 791028302728 --fields-json '{"period_from":2025,"period_to":2026}')
echo "submitted $ID2 to 0413"
req GET "/v1/messages?after=0&limit=1" "$B"
req POST /v1/messages/$ID2/ack "$B" -H 'content-type: application/json' -d '{"accepted":false,"error":"ИИН: контрольная цифра неверна"}'
req POST /v1/messages/$ID2/ack "$B" -H 'content-type: application/json' -d '{"accepted":true}'
req GET /v1/messages/$ID2/status "$CON"
req POST /v1/messages/$ID2/ack "$B" -H 'content-type: application/json' -d 'yes'
# A notice signed by hand: HMAC-SHA256 with the token over the canonical form (jq -cjS).
sign() { # token < envelope.json > signed envelope
  local env; env=$(cat)
  local sig; sig=$(printf '%s' "$env" | jq -cjS 'del(.signature)' | openssl dgst -sha256 -hmac "$1" -binary | base64)
  printf '%s' "$env" | jq -c --arg s "$sig" '. + {signature: {algorithm: "HMAC-SHA256", value: $s}}'
}
cat > notice.json <<J
{"version":"mio-shep/1","messageId":"01930000-0000-7000-8000-000000000001","correlationId":"$ID2","serviceId":"unemployed_certificate","routeId":"con-0412","messageType":"NOTIFICATION","messageDate":"2026-11-16T10:00:00+05:00","sender":{"senderId":"0413","workstation":"01"},"data":{"type":"status_notice","status":"rejected","statusText":{"kk":"Қабылданбады","ru":"Отказано в приеме"},"reason":"ИИН: контрольная цифра неверна"}}
J
echo "canonical form:"; jq -cjS 'del(.signature)' notice.json; echo
sign "$B" < notice.json > signed.json
echo "signed:"; cat signed.json
req POST /v1/messages "$B" -H 'content-type: application/json' --data-binary @signed.json
req POST /v1/messages "$B" -H 'content-type: application/json' --data-binary @signed.json
jq -c '.data.reason = "другая причина"' notice.json | sign "$B" > altered.json
req POST /v1/messages "$B" -H 'content-type: application/json' --data-binary @altered.json
jq -c '.data.reason = "подделка"' signed.json > tampered.json
req POST /v1/messages "$B" -H 'content-type: application/json' --data-binary @tampered.json
jq -c 'del(.signature)' notice.json > unsigned.json
req POST /v1/messages "$B" -H 'content-type: application/json' --data-binary @unsigned.json
# The office's real notice verifies with the office's token.
REAL=$(curl -s -H "Authorization: Bearer $CON" "$G/v1/inbox?after=0&limit=1" | jq -c '.[0].envelope')
echo "office notice signature:   $(printf '%s' "$REAL" | jq -r .signature.value)"
echo "recomputed with jq+openssl: $(printf '%s' "$REAL" | jq -cjS 'del(.signature)' | openssl dgst -sha256 -hmac "$OFF" -binary | base64)"
# Errors.
req POST /v1/messages "$B" -H 'content-type: application/json' -d '{not json'
req POST /v1/messages "$B" -H 'content-type: application/json' -d '{"version":"mio-shep/1"}'
jq -c '.version = "mio-shep/0"' notice.json | sign "$B" > v0.json
req POST /v1/messages "$B" -H 'content-type: application/json' --data-binary @v0.json
jq -c '.sender.senderId = "0412" | .messageId = "01930000-0000-7000-8000-000000000006"' notice.json | sign "$B" > sender.json
req POST /v1/messages "$B" -H 'content-type: application/json' --data-binary @sender.json
jq -c '.messageId = "42"' notice.json | sign "$B" > badid.json
req POST /v1/messages "$B" -H 'content-type: application/json' --data-binary @badid.json
R9='{"version":"mio-shep/1","messageId":"01930000-0000-7000-8000-000000000003","serviceId":"mio","routeId":"9999","messageType":"NOTIFICATION","messageDate":"2026-11-16T10:00:00+05:00","sender":{"senderId":"0413"},"data":{}}'
printf '%s' "$R9" | sign "$B" > route.json
req POST /v1/messages "$B" -H 'content-type: application/json' --data-binary @route.json
RB='{"version":"mio-shep/1","messageId":"01930000-0000-7000-8000-000000000004","serviceId":"mio","routeId":"0413","messageType":"NOTIFICATION","messageDate":"2026-11-16T10:00:00+05:00","sender":{"senderId":"0413"},"data":{"document":{"sha256":"'$SHA'","size":'$N',"name":"passport.png"}}}'
printf '%s' "$RB" | sign "$B" > blobref.json
req POST /v1/messages "$B" -H 'content-type: application/json' --data-binary @blobref.json
python3 -c "
import json;print(json.dumps({'version':'mio-shep/1','messageId':'01930000-0000-7000-8000-000000000005','serviceId':'mio','routeId':'0412','messageType':'NOTIFICATION','messageDate':'2026-11-16T10:00:00+05:00','sender':{'senderId':'0413'},'data':{'x':'x'*300000}}))" > big.json
req POST /v1/messages "$B" -H 'content-type: application/json' --data-binary @big.json
head -c 2000000 /dev/zero | tr '\0' 'x' > huge.bin
req POST /v1/messages "$B" -H 'content-type: application/json' --data-binary @huge.bin
req PUT "/v1/blobs/$(printf 'other bytes' | sha256sum | cut -d' ' -f1)?offset=0&total=11" "$B" --data-binary 'wrong bytes'
req PUT "/v1/blobs/abc?offset=0&total=3" "$B" --data-binary 'abc'
req PUT "/v1/blobs/$SHA?offset=0&total=99999999999" "$B" --data-binary 'x'
req GET /v1/messages/$ID/status "$B"
kill $SRV; wait $SRV 2>/dev/null
echo; echo "\$ mio-desk sync --once   (the gateway is down)"; $M --data-dir office sync --once; echo "exit $?"
rm -rf "$WORK"
