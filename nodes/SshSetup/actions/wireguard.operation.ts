import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../lib/execute';
import { formatCidr, parseCidr } from '../../../lib/net';
import { quote } from '../../../lib/shell';
import { renderTemplate } from '../../../lib/templates';
import {
	InputError,
	formatHostPort,
	parseHostPort,
	parsePort,
	toList,
} from '../../../lib/validation';
import { withSession } from '../helpers/connection';
import { ensureFile, ensurePackages } from '../helpers/files';
import { keyValues } from '../helpers/steps';
import { quoted } from '../../../lib/errors';

const show = { show: { operation: ['wireguard'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Interface',
		name: 'wgInterface',
		type: 'string',
		default: 'wg0',
		displayOptions: show,
	},
	{
		displayName: 'Addresses',
		name: 'wgAddresses',
		type: 'string',
		default: '10.8.0.1/24',
		required: true,
		displayOptions: show,
		description: 'Tunnel addresses of this server (CIDR, comma-separated)',
		hint: "This server's address inside the tunnel, e.g. 10.8.0.1/24",
	},
	{
		displayName: 'Listen Port',
		name: 'wgListenPort',
		type: 'number',
		default: 51820,
		displayOptions: show,
	},
	{
		displayName: 'Peers',
		name: 'wgPeers',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Peer',
				name: 'peer',
				values: [
					{ displayName: 'Public Key', name: 'publicKey', type: 'string', default: '' },
					{
						displayName: 'Allowed IPs',
						name: 'allowedIps',
						type: 'string',
						default: '',
						placeholder: '10.8.0.2/32',
					},
					{
						displayName: 'Endpoint',
						name: 'endpoint',
						type: 'string',
						default: '',
						placeholder: 'home.example.com:51820',
					},
					{
						displayName: 'Persistent Keepalive (Seconds)',
						name: 'keepalive',
						type: 'number',
						default: 25,
					},
				],
			},
		],
	},
	{
		displayName: 'Start Interface',
		name: 'wgStart',
		type: 'boolean',
		default: true,
		displayOptions: show,
		description: 'Whether to enable and (re)start the wg-quick unit of this interface now',
	},
];

const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

export interface WireguardSpec {
	interfaceName: string;
	addresses: string[];
	listenPort: number;
	peers: Array<{ publicKey: string; allowedIps: string[]; endpoint: string; keepalive: number }>;
}

export function parseWireguard(raw: {
	interfaceName: string;
	addresses: string;
	listenPort: number;
	peers: Array<{ publicKey?: string; allowedIps?: string; endpoint?: string; keepalive?: number }>;
}): WireguardSpec {
	const interfaceName = String(raw.interfaceName).trim();
	if (!/^[A-Za-z0-9_=+.-]{1,15}$/.test(interfaceName))
		throw new InputError('Interface', `${quoted(interfaceName)} is not a valid interface name`);
	const addresses = toList(raw.addresses).map((a) => formatCidr(parseCidr('Addresses', a)));
	if (!addresses.length) throw new InputError('Addresses', 'at least one address is required');
	return {
		interfaceName,
		addresses,
		listenPort: parsePort('Listen Port', raw.listenPort),
		peers: raw.peers.map((peer) => {
			const publicKey = String(peer.publicKey ?? '').trim();
			if (!WG_KEY.test(publicKey))
				throw new InputError(
					'Peer Public Key',
					`${quoted(publicKey.slice(0, 50))} is not a WireGuard public key`,
				);
			const keepalive = Number(peer.keepalive ?? 0);
			if (!Number.isInteger(keepalive) || keepalive < 0 || keepalive > 65535)
				throw new InputError('Persistent Keepalive', 'must be 0-65535');
			return {
				publicKey,
				allowedIps: toList(peer.allowedIps).map((a) => formatCidr(parseCidr('Allowed IPs', a))),
				endpoint: peer.endpoint?.trim()
					? formatHostPort(parseHostPort('Endpoint', peer.endpoint))
					: '',
				keepalive,
			};
		}),
	};
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const spec = parseWireguard({
			interfaceName: this.getNodeParameter('wgInterface', i) as string,
			addresses: this.getNodeParameter('wgAddresses', i) as string,
			listenPort: this.getNodeParameter('wgListenPort', i) as number,
			peers: ((this.getNodeParameter('wgPeers', i, {}) as { peer?: [] }).peer ?? []) as [],
		});
		const start = this.getNodeParameter('wgStart', i, true) as boolean;
		const keyFile = `/etc/wireguard/${spec.interfaceName}.key`;
		const confFile = `/etc/wireguard/${spec.interfaceName}.conf`;
		return await withSession(this, i, async (session) => {
			const installed = await ensurePackages(session, ['wireguard-tools'], false);
			// The key pair is made on the server; only the public half is ever read back.
			const keys = keyValues(
				(
					await session.check(
						'WireGuard keys',
						`set -e; umask 077; mkdir -p /etc/wireguard
key=${quote(keyFile)}
if [ -s "$key" ]; then echo generated=0; else
	new=$(mktemp /etc/wireguard/.hli-key.XXXXXX); trap 'rm -f "$new"' EXIT
	wg genkey > "$new"; mv "$new" "$key"; trap - EXIT; echo generated=1
fi
echo "publicKey=$(wg pubkey < "$key")"`,
					)
				).stdout,
			);
			const config = renderTemplate('wg0.conf.hbs', { ...spec, keyFile });
			const changed = await ensureFile(session, {
				path: confFile,
				content: config,
				mode: '0600',
				// wg-quick only reads files named <interface>.conf, so validate a copy under that name,
				// in a private folder that the subshell's trap removes however the check ends.
				validate: `( d=$(mktemp -d); trap 'rm -rf "$d"' EXIT; cp "$NEW" "$d/${spec.interfaceName}.conf"; wg-quick strip "$d/${spec.interfaceName}.conf" >/dev/null )`,
			});
			const unit = quote(`wg-quick@${spec.interfaceName}`);
			if (start) {
				await session.check(
					'Starting WireGuard',
					`systemctl enable ${unit} >/dev/null 2>&1; ${changed ? `systemctl restart ${unit}` : `systemctl is-active --quiet ${unit} || systemctl start ${unit}`}`,
				);
			}
			return {
				interface: spec.interfaceName,
				publicKey: keys.publicKey,
				listenPort: spec.listenPort,
				changed: changed || keys.generated === '1' || installed.length > 0,
				keyGenerated: keys.generated === '1',
				configFile: confFile,
			};
		});
	});
}
