import type { INodeProperties } from 'n8n-workflow';

/** Connection settings every operation shares: host override, host key policy, timeouts. */
export const connectionFields: INodeProperties[] = [
	{
		displayName: 'Host Key Check',
		name: 'hostKeyCheck',
		type: 'options',
		noDataExpression: true,
		default: 'pinned',
		options: [
			{
				name: 'Pinned Fingerprint',
				value: 'pinned',
				description: 'Refuse the server unless its host key matches the pinned SHA256 fingerprint',
			},
			{
				name: 'Trust on First Use',
				value: 'trustOnFirstUse',
				description: 'Accept any host key and output the fingerprint seen, to pin it from then on',
			},
		],
		description:
			'Fixed in the node (no expressions) so incoming data can never switch the check off',
		hint: 'Trust on First Use only when you cannot get the fingerprint first',
	},
	{
		displayName: 'Connection',
		name: 'connection',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Command Timeout (Seconds)',
				name: 'commandTimeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 600,
				description: 'Longest time one remote command may run',
			},
			{
				displayName: 'Host',
				name: 'host',
				type: 'string',
				default: '',
				placeholder: '={{ $json.mainIp }}',
				description: "Overrides the credential's host, e.g. the address of a server just created",
				hint: 'e.g. {{ $json.mainIp }} after Vultr Instance → Create',
			},
			{
				displayName: 'Host Key Fingerprint',
				name: 'hostKeyFingerprint',
				type: 'string',
				default: '',
				placeholder: 'SHA256:…',
				description:
					"Overrides the credential's pinned fingerprint (e.g. the one a new server reported)",
				hint: 'e.g. {{ $json.hostKeyFingerprint }} from Vultr Instance → Create',
			},
			{
				displayName: 'Ready Timeout (Seconds)',
				name: 'readyTimeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 20,
				description: 'How long the connection and login may take',
			},
		],
	},
];
