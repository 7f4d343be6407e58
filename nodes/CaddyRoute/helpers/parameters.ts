import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError, toList } from '../../../lib/validation';
import { adminBaseUrl } from '../transport';
import { parseRouteSpec, type RouteInput, type RouteSpec } from './routeSpec';
import { adminListenerOf, assertSafeUpstreams } from './upstreamGuard';
import { quoted } from '../../../lib/errors';

export const SERVER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The chosen Caddy HTTP server (a resource locator: from the list or by name). */
export function serverAt(this: IExecuteFunctions, itemIndex: number): string {
	const server = String(
		this.getNodeParameter('server', itemIndex, '', { extractValue: true }),
	).trim();
	if (!SERVER_NAME.test(server)) {
		throw new InputError(
			'Server',
			`${quoted(server)} is not a server name (letters, digits, "-" and "_")`,
		);
	}
	return server;
}

export function routeInputAt(this: IExecuteFunctions, itemIndex: number): RouteInput {
	return {
		hosts: this.getNodeParameter('hosts', itemIndex),
		upstreams: this.getNodeParameter('upstreams', itemIndex),
		...(this.getNodeParameter('routeOptions', itemIndex, {}) as Partial<RouteInput>),
	};
}

export function excludedHostsAt(this: IExecuteFunctions, itemIndex: number): string[] {
	return toList(this.getNodeParameter('excludedHosts', itemIndex, ''));
}

/** Validates route inputs completely (syntax, exclusions, upstream safety) before anything is sent to Caddy. */
export async function validateRoutes(
	this: IExecuteFunctions,
	inputs: RouteInput[],
	itemIndex: number,
): Promise<RouteSpec[]> {
	const excluded = excludedHostsAt.call(this, itemIndex);
	const allowLoopback = this.getNodeParameter('allowLoopback', itemIndex, false) as boolean;
	const admin = adminListenerOf(await adminBaseUrl.call(this));
	const specs: RouteSpec[] = [];
	for (const input of inputs) {
		const spec = parseRouteSpec(input, excluded);
		await assertSafeUpstreams(spec.upstreams, admin, allowLoopback);
		specs.push(spec);
	}
	return specs;
}
