import type { RouteSpec } from '../../nodes/CaddyRoute/helpers/routeSpec';
import type { PinnedUpstream } from '../../nodes/CaddyRoute/helpers/upstreamGuard';
import { parseHostPort } from '../../lib/validation';

/** Pins for IP-literal upstreams, as the node makes them (each dials itself), for building routes offline. */
export function literalPins(spec: Pick<RouteSpec, 'upstreams'>): PinnedUpstream[] {
	return spec.upstreams.map((given) => {
		const { port, ipVersion } = parseHostPort('Upstreams', given);
		if (!ipVersion) throw new Error(`literalPins takes IP literals only, not ${given}`);
		return { given, port, dials: [given] };
	});
}
