import type { AptRepository } from './aptRepository';

export const CADDY_REPOSITORY: AptRepository = {
	name: 'caddy-stable',
	keyUrl: 'https://dl.cloudsmith.io/public/caddy/stable/gpg.key',
	armored: true,
	source: 'https://dl.cloudsmith.io/public/caddy/stable/deb/debian any-version main',
};

/** The admin API address pinned in the (autosaved) config: loopback only. */
export const ADMIN_LISTEN = 'localhost:2019';
const ADMIN_URL = 'http://localhost:2019';

/** Unit state and the live config in one round trip. */
export const CADDY_PROBE = `for unit in caddy caddy-api; do
	echo "$unit.enabled=$(systemctl is-enabled $unit.service 2>/dev/null || true)"
	echo "$unit.active=$(systemctl is-active $unit.service 2>/dev/null || true)"
done
echo '--- config'
curl -fsS -m 5 ${ADMIN_URL}/config/ 2>/dev/null || true`;

/** Whether an admin `listen` value (default localhost:2019 when unset) only binds loopback. */
export function isLoopbackListen(listen: unknown): boolean {
	if (listen === undefined) return true;
	return (
		typeof listen === 'string' && /^(?:tcp\/)?(?:localhost|127\.0\.0\.1|\[::1\]):\d+$/.test(listen)
	);
}

/**
 * The admin API call that pins `admin.listen` to loopback in the live config (Caddy autosaves it,
 * and `caddy run --resume` in caddy-api.service loads it again), or undefined when already pinned.
 */
export function pinAdminCall(config: object | null): { path: string; body: unknown } | undefined {
	// An empty config (`null`) has no paths to post to: load one that holds only the admin block.
	if (config === null) return { path: '/load', body: { admin: { listen: ADMIN_LISTEN } } };
	const admin = (config as { admin?: { listen?: unknown } }).admin;
	if (admin && admin.listen === ADMIN_LISTEN) return undefined;
	if (admin) return { path: '/config/admin/listen', body: ADMIN_LISTEN };
	return { path: '/config/admin', body: { listen: ADMIN_LISTEN } };
}

/** Posts a JSON body to the local admin API (body on stdin, so no quoting games). */
export function adminPostScript(path: string): string {
	return `curl -fsS -m 10 -X POST -H 'Content-Type: application/json' --data-binary @- ${ADMIN_URL}${path}`;
}

/** Waits until the admin API answers, then prints the config and the listeners on its port. */
export const CADDY_VERIFY = `for i in $(seq 1 50); do curl -fsS -m 2 ${ADMIN_URL}/config/ >/dev/null 2>&1 && break; sleep 0.2; done
echo "version=$(caddy version 2>/dev/null | cut -d' ' -f1)"
echo "listeners=$(ss -Hltn 'sport = :2019' | awk '{print $4}' | sort -u | tr '\\n' ' ')"
echo '--- config'
curl -fsS -m 5 ${ADMIN_URL}/config/`;
