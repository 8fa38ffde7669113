#!/usr/bin/env bash
# Try the production set-up on one machine without installing it (docs/deploy.md, "Tried on
# this machine"): the env file from qamqor.env.example, PostgreSQL, migrate + demo +
# collectstatic, gunicorn started with the ExecStart line of qamqor-web.service, nginx with
# nginx/qamqor.conf (on other ports, a self-signed certificate), then requests through nginx.
# Everything it starts is stopped at the end; it leaves only files under $TRIAL.
#
#   bash deploy/trial.sh        (needs nginx, openssl, curl, a PostgreSQL on 127.0.0.1:5432)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
TRIAL=${TRIAL:-/tmp/qamqor-trial}
DB=${TRIAL_DB:-qamqor_trial}
PG=${TRIAL_PG:-postgres://postgres@127.0.0.1:5432}
WEB_PORT=${TRIAL_WEB_PORT:-8041}
HTTP_PORT=${TRIAL_HTTP_PORT:-8080}
HTTPS_PORT=${TRIAL_HTTPS_PORT:-8443}
HOST=qamqor.example.kz
PY=$REPO/.venv/bin/python

rm -rf "$TRIAL" && mkdir -p "$TRIAL"/{data,tls,nginx/logs,nginx/snippets}
pids=()
stop() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$TRIAL/nginx/nginx.pid" ] && kill "$(cat "$TRIAL/nginx/nginx.pid")" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap stop EXIT
step() { printf '\n$ %s\n' "$*"; }

# The environment file: the example with this machine's database, folders and port. The
# "replica" is the same database under another connection name: it shows which connection the
# reports use (a real one is a PostgreSQL standby, docs/deploy.md).
sed -e "s|^DATABASE_URL=.*|DATABASE_URL=$PG/$DB|" \
    -e "s|^DATABASE_REPLICA_URL=.*|DATABASE_REPLICA_URL=$PG/$DB?application_name=qamqor_replica|" \
    -e "s|^QAMQOR_DATA_DIR=.*|QAMQOR_DATA_DIR=$TRIAL/data|" \
    -e "s|^QAMQOR_BACKUP_DIR=.*|QAMQOR_BACKUP_DIR=$TRIAL/data/backups|" \
    -e "s|^QAMQOR_WEB_BIND=.*|QAMQOR_WEB_BIND=127.0.0.1:$WEB_PORT|" \
    -e "s|^WEB_CONCURRENCY=.*|WEB_CONCURRENCY=2|" \
    -e "s|^DJANGO_CSRF_TRUSTED_ORIGINS=.*|DJANGO_CSRF_TRUSTED_ORIGINS=https://$HOST:$HTTPS_PORT|" \
    "$REPO/deploy/qamqor.env.example" >"$TRIAL/qamqor.env"
# What systemd's LoadCredential= would hand the units.
"$PY" -c "import secrets; print(secrets.token_urlsafe(50))" >"$TRIAL/secret_key"
chmod 600 "$TRIAL/secret_key"
set -a
# shellcheck disable=SC1091
. "$TRIAL/qamqor.env"
set +a
export DJANGO_SECRET_KEY_FILE=$TRIAL/secret_key
cd "$REPO"

step "psql: drop and create $DB"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
step "manage.py check --deploy --fail-level WARNING"
"$PY" manage.py check --deploy --fail-level WARNING
step "manage.py migrate --no-input"
"$PY" manage.py migrate --no-input | tail -n 2
step "manage.py compile_translations && manage.py collectstatic --no-input"
"$PY" manage.py compile_translations | tail -n 1
"$PY" manage.py collectstatic --no-input | tail -n 1
step "manage.py demo"
"$PY" manage.py demo >"$TRIAL/demo.txt"
grep -E "^(username|methodist|head) " "$TRIAL/demo.txt" || head -n 5 "$TRIAL/demo.txt"

# gunicorn exactly as qamqor-web.service starts it (the repository in place of /srv/qamqor).
exec_start=$(sed -n 's/^ExecStart=//p' deploy/qamqor-web.service)
exec_start=${exec_start//\/srv\/qamqor/$REPO}
if curl -s -o /dev/null "http://127.0.0.1:$WEB_PORT/"; then echo "port $WEB_PORT is taken" >&2; exit 1; fi
step "$exec_start"
eval "exec $exec_start" >"$TRIAL/gunicorn.log" 2>&1 &
pids+=($!)

# nginx with deploy/nginx/qamqor.conf: other ports, the trial's certificate, snippet and logs.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$HOST" \
    -keyout "$TRIAL/tls/privkey.pem" -out "$TRIAL/tls/fullchain.pem" 2>/dev/null
cp deploy/nginx/qamqor-proxy.conf "$TRIAL/nginx/snippets/"
sed -e "s|listen 80;|listen $HTTP_PORT;|" -e "s|listen 443 ssl http2;|listen $HTTPS_PORT ssl http2;|" \
    -e '/listen \[::\]/d' \
    -e "s|/etc/letsencrypt/live/$HOST/|$TRIAL/tls/|" \
    -e "s|server 127.0.0.1:8000|server 127.0.0.1:$WEB_PORT|" \
    -e "s|/etc/nginx/snippets/|$TRIAL/nginx/snippets/|" \
    -e "s|/var/log/nginx/|$TRIAL/nginx/logs/|" \
    deploy/nginx/qamqor.conf >"$TRIAL/nginx/qamqor.conf"
cat >"$TRIAL/nginx/nginx.conf" <<EOF
pid $TRIAL/nginx/nginx.pid;
error_log $TRIAL/nginx/logs/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $TRIAL/nginx/body;
    proxy_temp_path $TRIAL/nginx/proxy;
    include $TRIAL/nginx/qamqor.conf;
}
EOF
step "nginx -t && nginx (deploy/nginx/qamqor.conf on ports $HTTP_PORT/$HTTPS_PORT)"
nginx -t -c "$TRIAL/nginx/nginx.conf" -p "$TRIAL/nginx" 2>&1
nginx -c "$TRIAL/nginx/nginx.conf" -p "$TRIAL/nginx"

for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$WEB_PORT/" && break; sleep 0.2; done
CURL=(curl -sk --resolve "$HOST:$HTTPS_PORT:127.0.0.1" --resolve "$HOST:$HTTP_PORT:127.0.0.1")
HEADERS='^(HTTP|strict-transport|content-security|cache-control|content-encoding|content-type|location|x-frame|referrer-policy|x-content-type|vary|set-cookie)'
show() {  # the status line and the headers that matter, of a GET through nginx
    step "curl -k -D- $*"
    "${CURL[@]}" -D- -o /dev/null "$@" | tr -d '\r' | grep -iE "$HEADERS" | sed -E 's/(csrftoken|sessionid)=[^;]+/\1=…/'
}
show "http://$HOST:$HTTP_PORT/accounts/login/"
show "https://$HOST:$HTTPS_PORT/accounts/login/"
show -H "Accept-Encoding: br, gzip" "https://$HOST:$HTTPS_PORT/static/qamqor/qamqor.js"
show "https://$HOST:$HTTPS_PORT/"
show "https://$HOST:$HTTPS_PORT/media/anything"

# A login through nginx: the CSRF check (origin, secure cookies) and the lockout's address.
step "log in as a demo methodist through nginx (POST /accounts/login/)"
jar=$TRIAL/cookies.txt
"${CURL[@]}" -c "$jar" -o "$TRIAL/login.html" "https://$HOST:$HTTPS_PORT/accounts/login/"
token=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' "$TRIAL/login.html" | head -n 1 | sed 's/.*value="//; s/"$//')
user=$(awk '$2 == "methodist" {print $1; exit}' "$TRIAL/demo.txt")
"${CURL[@]}" -b "$jar" -c "$jar" -D- -o /dev/null -H "Referer: https://$HOST:$HTTPS_PORT/accounts/login/" \
    -H "Origin: https://$HOST:$HTTPS_PORT" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=$user" \
    --data-urlencode "password=qamqor-demo-2026" "https://$HOST:$HTTPS_PORT/accounts/login/" | tr -d '\r' | grep -iE '^(HTTP|location)'
step "the journal through nginx, signed in (personal data: no-store)"
"${CURL[@]}" -b "$jar" -D- -o /dev/null "https://$HOST:$HTTPS_PORT/journal/" | tr -d '\r' | grep -iE '^(HTTP|cache-control)'

step "the officers' report through nginx, signed in as the district officer: which connections read"
jar3=$TRIAL/cookies-officer.txt
"${CURL[@]}" -c "$jar3" -o "$TRIAL/login.html" "https://$HOST:$HTTPS_PORT/accounts/login/"
token=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' "$TRIAL/login.html" | head -n 1 | sed 's/.*value="//; s/"$//')
officer=$(awk '$2 == "district_officer" {print $1; exit}' "$TRIAL/demo.txt")
"${CURL[@]}" -b "$jar3" -c "$jar3" -o /dev/null -H "Origin: https://$HOST:$HTTPS_PORT" -H "Referer: https://$HOST:$HTTPS_PORT/accounts/login/" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=$officer" \
    --data-urlencode "password=qamqor-demo-2026" "https://$HOST:$HTTPS_PORT/accounts/login/"
connections() {
    psql "$PG/$DB" -Atc "SELECT '  ' || coalesce(nullif(application_name, ''), 'primary') || ': ' || count(*)
        FROM pg_stat_activity WHERE datname = '$DB' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
        GROUP BY application_name ORDER BY 1"
}
echo "gunicorn's open database connections after the journal and the logins:"; connections
"${CURL[@]}" -b "$jar3" -o /dev/null -w "GET /reports/: %{http_code}\n" "https://$HOST:$HTTPS_PORT/reports/"
echo "and after the report:"; connections

step "a wrong password from 127.0.0.2 through nginx, with a forged X-Real-IP: the lockout counts the visitor's address"
CURL2=("${CURL[@]}" --interface 127.0.0.2 -H "X-Real-IP: 203.0.113.66" -b "$jar.2" -c "$jar.2")
"${CURL2[@]}" -o "$TRIAL/login.html" "https://$HOST:$HTTPS_PORT/accounts/login/"
token=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' "$TRIAL/login.html" | head -n 1 | sed 's/.*value="//; s/"$//')
"${CURL2[@]}" -o /dev/null -w "%{http_code}\n" -H "Origin: https://$HOST:$HTTPS_PORT" -H "Referer: https://$HOST:$HTTPS_PORT/accounts/login/" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=nobody-$RANDOM" \
    --data-urlencode "password=wrong-password-1" "https://$HOST:$HTTPS_PORT/accounts/login/" || true
"$PY" manage.py shell --no-imports -c "from axes.models import AccessAttempt; print('failed logins recorded from:', sorted(set(AccessAttempt.objects.values_list('ip_address', flat=True))))"

step "gunicorn: graceful reload (kill -HUP, as ExecReload) and the workers it runs"
kill -HUP "${pids[0]}"
sleep 3
"${CURL[@]}" -o /dev/null -w "after the reload: %{http_code}\n" "https://$HOST:$HTTPS_PORT/accounts/login/"
grep -E "Listening|Using worker|Booting worker|Handling signal|Hang up|Shutting down|Worker exiting" "$TRIAL/gunicorn.log" | sed -E 's/^\[[^]]*\] //'
step "nginx access log (no query strings, no private-link tokens)"
"${CURL[@]}" -o /dev/null "https://$HOST:$HTTPS_PORT/my/some-private-token/?q=name"
tail -n 3 "$TRIAL/nginx/logs/qamqor.access.log" | sed -E 's/\[[^]]*\]/[…]/'

step "qamqor-daily.service: its ExecStart lines, one after the other"
while read -r line; do
    line=${line#-}
    line=${line//\/srv\/qamqor/$REPO}
    step "$line"
    bash -c "$line" 2>&1 | tail -n 3 || true
done < <(sed -n 's/^ExecStart=//p' deploy/qamqor-daily.service)

worker=$(sed -n 's/^ExecStart=//p' deploy/qamqor-worker.service)
worker=${worker//\/srv\/qamqor/$REPO}
step "$worker   (qamqor-worker.service; stopped after 10 s)"
timeout -s TERM 10 bash -c "exec $worker" 2>&1 | tail -n 5 || echo "exit status: $?"
