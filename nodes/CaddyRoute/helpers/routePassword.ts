import { resolvePassword } from './basicAuth';
import type { CaddyRoute } from './caddyJson';
import { parseRoute } from './routeConfig';
import type { RouteSpec } from './routeSpec';

/** Whether the route was given a plain basic-auth password that still has to be hashed. */
export function needsHashing(spec: RouteSpec): boolean {
	return spec.access?.basicAuth?.password !== undefined;
}

/**
 * The spec with its plain basic-auth password replaced by a bcrypt hash: the one `current` (the route
 * as Caddy has it now) already holds when the password matches it, so a re-run is "unchanged".
 */
export async function withHashedPassword(
	spec: RouteSpec,
	current?: CaddyRoute,
): Promise<RouteSpec> {
	const basicAuth = spec.access?.basicAuth;
	if (!spec.access || !basicAuth?.password) return spec;
	const existing = current ? parseRoute(current)?.access?.basicAuth : undefined;
	return {
		...spec,
		access: { ...spec.access, basicAuth: await resolvePassword(basicAuth, existing) },
	};
}

/** A route's settings as Get and List show them: the basic-auth user, never its password hash. */
export function withoutPasswordHash<T extends RouteSpec>(spec: T): T {
	const basicAuth = spec.access?.basicAuth;
	if (!spec.access || !basicAuth) return spec;
	return { ...spec, access: { ...spec.access, basicAuth: { user: basicAuth.user } } };
}
