import { KindedError, quoted } from '../../../lib/errors';
import type { CaddyRoute } from './caddyJson';
import { unmanagedConflicts } from './routeConfig';

/**
 * Refuses hosts that a route this package did not create already serves, unless the node's "Adopt
 * Unmanaged Hosts" switch is on; then returns the indexes of those routes, which the managed block must
 * precede so that the adopted hosts are served by the managed route.
 */
export function claimHosts(routes: CaddyRoute[], hosts: string[], adopt: boolean): number[] {
	const conflicts = unmanagedConflicts(routes, hosts);
	if (conflicts.length && !adopt) {
		const [first] = conflicts;
		throw new KindedError(
			'conflict',
			`Host ${quoted(first.host)} is already served by route ${first.route}, which this package did not create; switch on "Adopt Unmanaged Hosts" in the node to take it over`,
		);
	}
	return conflicts.map((conflict) => conflict.index);
}
