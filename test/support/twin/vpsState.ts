/**
 * A VPS's state for the backup tests, made and read through nsenter (never through the node): a
 * Headscale-like SQLite database with a service that writes to it, Caddy routes loaded through the
 * admin API, and /etc files of every kind the System set covers. Digests let a test compare two twins.
 */
import type { Twin } from '../twin';

export const HEADSCALE_DB = '/var/lib/headscale/db.sqlite';

function must(twin: Twin, script: string, stdin?: string): string {
	const result = twin.exec(script, stdin);
	if (result.code !== 0) throw new Error(`${script.slice(0, 200)}: ${result.stderr.slice(-800)}`);
	return result.stdout;
}

/**
 * Headscale's layout: config, noise key, and a WAL-mode database with rowid gaps, an AUTOINCREMENT
 * table, a view, an index and a user_version. headscale.service appends to `events` and `audit` in
 * one transaction every 50 ms, so a copy taken mid-write shows up as counts that differ.
 */
export function seedHeadscale(twin: Twin): void {
	must(
		twin,
		`set -e
useradd --system --home-dir /var/lib/headscale --shell /usr/sbin/nologin headscale
install -d -o headscale -g headscale -m 0750 /var/lib/headscale /etc/headscale
printf 'server_url: https://hs.example.com\\ndatabase:\\n  type: sqlite\\n  sqlite:\\n    path: ${HEADSCALE_DB}\\n' > /etc/headscale/config.yaml
head -c 32 /dev/urandom | base64 > /var/lib/headscale/noise_private.key
chown headscale:headscale /var/lib/headscale/noise_private.key; chmod 0600 /var/lib/headscale/noise_private.key
sqlite3 ${HEADSCALE_DB} <<'SQL'
PRAGMA journal_mode=WAL;
PRAGMA user_version=27;
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, created_at TEXT);
CREATE TABLE nodes (machine_key TEXT, user_id INTEGER REFERENCES users(id), ipv4 TEXT, hostinfo BLOB);
CREATE INDEX nodes_user ON nodes(user_id);
CREATE TABLE events (id INTEGER PRIMARY KEY, at REAL);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at REAL);
CREATE VIEW node_names AS SELECT n.ipv4, u.name FROM nodes n JOIN users u ON u.id = n.user_id;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 400)
INSERT INTO users (name, created_at) SELECT 'user-' || i, datetime(i * 3600, 'unixepoch') FROM k;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 2000)
INSERT INTO nodes SELECT 'mkey:' || hex(randomblob(16)), 1 + i % 400, '100.64.' || (i / 250) || '.' || (i % 250), randomblob(64) FROM k;
DELETE FROM nodes WHERE rowid % 7 = 0;
DELETE FROM users WHERE id IN (5, 6);
SQL
chown headscale:headscale ${HEADSCALE_DB}; chmod 0640 ${HEADSCALE_DB}
cat > /usr/local/bin/fake-headscale <<'SH'
#!/bin/bash
while :; do
	sqlite3 ${HEADSCALE_DB} "PRAGMA busy_timeout=5000; BEGIN IMMEDIATE; INSERT INTO events (at) VALUES (julianday('now')); INSERT INTO audit (at) VALUES (julianday('now')); COMMIT;" >/dev/null
	sleep 0.05
done
SH
chmod 0755 /usr/local/bin/fake-headscale
cat > /etc/systemd/system/headscale.service <<'UNIT'
[Unit]
Description=Headscale stand-in: writes to its database while it runs
[Service]
User=headscale
ExecStart=/usr/local/bin/fake-headscale
UNIT
systemctl daemon-reload`,
	);
}

/** Routes of every kind the Caddy Route node writes, loaded through the admin API (Caddy autosaves them). */
export function seedCaddyRoutes(twin: Twin): void {
	const config = {
		apps: {
			http: {
				servers: {
					ingress: {
						listen: [':80'],
						automatic_https: { disable: true },
						routes: ['app', 'media', 'wiki'].map((name) => ({
							'@id': `homelab-ingress_${name}.example.com@ingress`,
							match: [{ host: [`${name}.example.com`] }],
							handle: [{ handler: 'static_response', body: `served ${name}` }],
							terminal: true,
						})),
					},
				},
			},
		},
	};
	must(
		twin,
		`curl -fsS -m 10 -H 'Origin: http://localhost:2019' -H 'Content-Type: application/json' -X POST --data-binary @- http://localhost:2019/config/apps`,
		JSON.stringify(config.apps),
	);
}

/** What a host answers for a route (curl inside the twin, to its own port 80). */
export function routeAnswer(twin: Twin, host: string): string {
	return twin.exec(`curl -sS -m 5 -H 'Host: ${host}' http://127.0.0.1:80/`).stdout;
}

export function liveCaddyConfig(twin: Twin): string {
	return must(
		twin,
		"curl -fsS -m 10 -H 'Origin: http://localhost:2019' http://localhost:2019/config/",
	);
}

/** Files the System set covers, of several owners and modes. */
export function seedEtc(twin: Twin): void {
	must(
		twin,
		`set -e
printf 'MaxAuthTries 3\\nX11Forwarding no\\n' > /etc/ssh/sshd_config.d/01-homelab-hardening.conf
install -d -m 0700 /etc/wireguard
printf '[Interface]\\nAddress = 10.8.0.1/24\\nListenPort = 51820\\n' > /etc/wireguard/wg0.conf; chmod 0600 /etc/wireguard/wg0.conf
head -c 32 /dev/urandom | base64 > /etc/wireguard/wg0.key; chmod 0600 /etc/wireguard/wg0.key
printf 'net.core.default_qdisc = fq\\nnet.ipv4.tcp_congestion_control = bbr\\n' > /etc/sysctl.d/60-homelab-hardening.conf
printf '[sshd]\\nenabled = true\\nbantime = 1h\\n' > /etc/fail2ban/jail.d/zz-homelab-ingress.local
printf 'APT::Periodic::Update-Package-Lists "1";\\nAPT::Periodic::Unattended-Upgrade "1";\\n' > /etc/apt/apt.conf.d/20auto-upgrades`,
	);
}

/** SHA-256, mode and owner of every file under the paths (missing paths are left out), sorted. */
export function fileDigests(twin: Twin, paths: string[]): string {
	return must(
		twin,
		`for p in ${paths.join(' ')}; do [ -e "$p" ] && find "$p" -xdev \\( -type f -o -type l \\) ; done | sort | while read -r f; do
	if [ -L "$f" ]; then echo "$f link $(readlink "$f")"; else echo "$f $(stat -c '%a %U:%G %s' "$f") $(sha256sum < "$f" | cut -c1-64)"; fi
done`,
	);
}

/**
 * What makes two SQLite databases the same: integrity_check, the header fields, the schema, and a
 * SHA-256 of every table's rows in rowid order (rowids included).
 */
export function databaseDigest(twin: Twin, file: string): string {
	return must(
		twin,
		`set -e
f=${file}
sqlite3 "$f" 'PRAGMA integrity_check'
echo "user_version=$(sqlite3 "$f" 'PRAGMA user_version')"
sqlite3 "$f" "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name" | sha256sum | cut -c1-64
for t in $(sqlite3 "$f" "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"); do
	echo "$t $(sqlite3 "$f" "SELECT count(*) FROM \\"$t\\"") $(sqlite3 -quote -header "$f" "SELECT rowid, * FROM \\"$t\\" ORDER BY rowid" | sha256sum | cut -c1-64)"
done`,
	);
}
