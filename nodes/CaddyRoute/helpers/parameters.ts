import type { IExecuteFunctions } from 'n8n-workflow';

import { quoted } from '../../../lib/errors';
import { fixedParameter } from '../../../lib/fixedParameter';
import { parseNetworks, TAILNET_NETWORKS } from '../../../lib/net';
import { InputError, toList } from '../../../lib/validation';
import { adminBaseUrl } from '../transport';
import { singleUpstreamName } from './routeConfig';
import { parseRouteSpec, type RouteInput, type RouteSpec } from './routeSpec';
import {
	adminListenerOf,
	pinUpstreams,
	type PinnedUpstream,
	type UpstreamPolicy,
} from './upstreamGuard';

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

/** Whether the node may take over hosts that routes it did not create serve (fixed in the node). */
export function adoptUnmanagedAt(this: IExecuteFunctions): boolean {
	return fixedParameter.call(this, 'adoptUnmanaged', 'Adopt Unmanaged Hosts', false) === true;
}

async function upstreamPolicy(this: IExecuteFunctions): Promise<UpstreamPolicy> {
	const networks = fixedParameter.call(
		this,
		'allowedNetworks',
		'Allowed Upstream Networks',
		TAILNET_NETWORKS.join(', '),
	);
	return {
		allowedNetworks: parseNetworks('Allowed Upstream Networks', networks),
		allowLoopback:
			fixedParameter.call(this, 'allowLoopback', 'Allow Loopback Upstreams', false) === true,
		admin: adminListenerOf(await adminBaseUrl.call(this)),
	};
}

/** A validated route request together with the addresses its upstreams were pinned to. */
export interface CheckedRoute {
	spec: RouteSpec;
	pins: PinnedUpstream[];
	/** The forward-auth endpoint, pinned and checked like an upstream. */
	authPins: PinnedUpstream[];
}

/**
 * Validates route inputs completely (syntax, limits, exclusions) and pins every upstream to checked
 * addresses, before anything is sent to Caddy.
 */
export async function validateRoutes(
	this: IExecuteFunctions,
	inputs: RouteInput[],
	itemIndex: number,
): Promise<CheckedRoute[]> {
	const excluded = excludedHostsAt.call(this, itemIndex);
	const policy = await upstreamPolicy.call(this);
	const specs = inputs.map((input) => parseRouteSpec(input, excluded));
	const checked: CheckedRoute[] = [];
	for (const spec of specs) {
		const pins = await pinUpstreams(spec.upstreams, policy);
		const named = pins.filter((pin) => pin.name);
		if (spec.upstreamTls && !spec.tlsServerName && named.length && !singleUpstreamName(pins)) {
			throw new InputError(
				'TLS Server Name',
				'the upstreams have different names (or mix names and addresses); give the name their certificates carry',
			);
		}
		if (spec.upstreamHostHeader && (pins.length !== 1 || !pins[0].name)) {
			throw new InputError(
				'Send Upstream Name as Host',
				'needs exactly one upstream, given by its DNS name',
			);
		}
		const forwardAuth = spec.access?.forwardAuth;
		const authPins = forwardAuth
			? await pinUpstreams([forwardAuth.upstream], policy, 'Forward Auth Endpoint')
			: [];
		checked.push({ spec, pins, authPins });
	}
	return checked;
}
