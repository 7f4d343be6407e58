import type { AptRepository } from './aptRepository';

export const CADDY_REPOSITORY: AptRepository = {
	name: 'caddy-stable',
	keyUrl: 'https://dl.cloudsmith.io/public/caddy/stable/gpg.key',
	armored: true,
	source: 'https://dl.cloudsmith.io/public/caddy/stable/deb/debian any-version main',
};

/** The admin API address pinned in the (autosaved) config: loopback only. */
export const ADMIN_LISTEN = 'localhost:2019';
export const ADMIN_URL = 'http://localhost:2019';
/**
 * The only origins the admin API accepts, and (their host parts) the only Host headers. A request a
 * site relays to it carries the site's Host, or (if the route rewrites Host) no allowed Origin unless
 * the client forged one: Caddy refuses it with 403.
 */
export const ADMIN_ORIGINS = [
	'http://localhost:2019',
	'http://127.0.0.1:2019',
	'http://[::1]:2019',
];
/** The fields of Caddy's `admin` config block this node pins (others, e.g. `config`, are kept). */
export interface AdminBlock {
	listen?: unknown;
	enforce_origin?: unknown;
	origins?: unknown;
}

/** The admin block this node pins in the live config. */
export const PINNED_ADMIN = { listen: ADMIN_LISTEN, enforce_origin: true, origins: ADMIN_ORIGINS };

/** Every request to the admin API names an allowed origin, or Caddy refuses it once enforcement is on. */
export const ADMIN_CURL = `curl -fsS -H 'Origin: ${ADMIN_URL}'`;

/** Unit state and the live config in one round trip. */
export const CADDY_PROBE = `for unit in caddy caddy-api; do
	echo "$unit.enabled=$(systemctl is-enabled $unit.service 2>/dev/null || true)"
	echo "$unit.active=$(systemctl is-active $unit.service 2>/dev/null || true)"
done
echo '--- config'
${ADMIN_CURL} -m 5 ${ADMIN_URL}/config/ 2>/dev/null || true`;

/** Whether an admin block has listen, enforce_origin and origins exactly as pinned. */
export function isAdminPinned(admin: AdminBlock | undefined): boolean {
	if (!admin || typeof admin !== 'object') return false;
	const { listen, enforce_origin, origins } = admin;
	return (
		listen === ADMIN_LISTEN &&
		enforce_origin === true &&
		JSON.stringify(origins) === JSON.stringify(ADMIN_ORIGINS)
	);
}

/**
 * The admin API call that pins the admin block in the live config (Caddy autosaves it, and
 * `caddy run --resume` in caddy-api.service loads it again), or undefined when already pinned.
 * Other admin settings (config persistence, identity, …) are kept.
 */
export function pinAdminCall(config: object | null): { path: string; body: unknown } | undefined {
	// An empty config (`null`) has no paths to post to: load one that holds only the admin block.
	if (config === null) return { path: '/load', body: { admin: PINNED_ADMIN } };
	const admin = (config as { admin?: AdminBlock }).admin;
	if (isAdminPinned(admin)) return undefined;
	return { path: '/config/admin', body: { ...admin, ...PINNED_ADMIN } };
}

/** Posts a JSON body to the local admin API (body on stdin, so no quoting games). */
export function adminPostScript(path: string): string {
	return `${ADMIN_CURL} -m 10 -X POST -H 'Content-Type: application/json' --data-binary @- ${ADMIN_URL}${path}`;
}

/**
 * Waits until the admin API answers, then prints the status a request without Origin gets (403 when
 * enforcement works), the listeners on its port and the config.
 */
export const CADDY_VERIFY = `for i in $(seq 1 50); do ${ADMIN_CURL} -m 2 ${ADMIN_URL}/config/ >/dev/null 2>&1 && break; sleep 0.2; done
echo "version=$(caddy version 2>/dev/null | cut -d' ' -f1)"
echo "withoutOrigin=$(curl -sS -m 5 -o /dev/null -w '%{http_code}' ${ADMIN_URL}/config/ 2>/dev/null)"
echo "listeners=$(ss -Hltn 'sport = :2019' | awk '{print $4}' | sort -u | tr '\\n' ' ')"
echo '--- config'
${ADMIN_CURL} -m 5 ${ADMIN_URL}/config/`;
