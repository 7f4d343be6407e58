import type { INodeProperties } from 'n8n-workflow';

export const sourceField: INodeProperties = {
	displayName: 'Source',
	name: 'source',
	type: 'string',
	default: 'home',
	required: true,
	placeholder: 'home',
	description:
		'Name of the machine or site that sends heartbeats (1-64 letters, digits, ".", "_" or "-")',
	hint: 'The same name the heartbeat sender at home uses, e.g. home',
};

export const sourceFilterField: INodeProperties = {
	displayName: 'Source',
	name: 'source',
	type: 'string',
	default: '',
	placeholder: 'home',
	description: 'Only this source; leave empty for all sources',
};

export const livenessField: INodeProperties = {
	displayName: 'Liveness',
	name: 'liveness',
	type: 'collection',
	placeholder: 'Add Setting',
	default: {},
	description:
		'When a source counts as offline: after Missed Beats × Expected Interval + Grace without an online beat',
	options: [
		{
			displayName: 'Expected Interval (Seconds)',
			name: 'intervalSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 60,
			description: 'How often the source sends a heartbeat',
		},
		{
			displayName: 'Grace (Seconds)',
			name: 'graceSeconds',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 10,
			description: 'Extra slack so a beat that is a little late does not count as an outage',
		},
		{
			displayName: 'Missed Beats',
			name: 'missedBeats',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 3,
			description: 'Beats that may be missed before the source is offline',
		},
	],
};

export const requestFields: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'string',
		default: 'POST',
		description: 'HTTP method of the relayed request (must be one of the allowed methods)',
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: '/',
		required: true,
		placeholder: '/api/webhook',
		description:
			'Path (and query) on the source\'s base URL; a relative path only, without scheme, host or ".."',
		hint: 'e.g. /api/webhook?id=1, after the base URL Record Beat stored',
	},
	{
		displayName: 'Headers (JSON)',
		name: 'headers',
		type: 'json',
		default: '{}',
		description: 'Request headers as an object of names to values; hop-by-hop headers are refused',
		hint: 'e.g. {"Content-Type": "application/json"}',
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		default: '',
		description: 'Request body: text, base64 (see options) or an object, which is sent as JSON',
	},
	{
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		default: '',
		description:
			'Identifies the request: a second request with the same key for the same source is neither stored nor sent again. Empty: a new random key.',
	},
	{
		displayName: 'Request Options',
		name: 'requestOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Allowed Methods',
				name: 'allowedMethods',
				type: 'multiOptions',
				options: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((m) => ({
					name: m,
					value: m,
				})),
				default: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
			},
			{
				displayName: 'Body Is Base64',
				name: 'bodyIsBase64',
				type: 'boolean',
				default: false,
				description: 'Whether the body is base64-encoded bytes rather than text',
			},
			{
				displayName: 'Max Body Size (KB)',
				name: 'maxBodyKb',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1024,
			},
		],
	},
];

export const deliveryField: INodeProperties = {
	displayName: 'Delivery Options',
	name: 'delivery',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Base URL Override',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://100.64.0.2:8080',
			description:
				'Where to send instead of the base URL stored for the source by Record Beat (only with one source)',
		},
		{
			displayName: 'Idempotency Header',
			name: 'idempotencyHeader',
			type: 'string',
			default: 'Idempotency-Key',
			description:
				'Header that carries the idempotency key on every delivery, so home can drop repeats',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 15,
			description: 'A delivery that takes longer counts as failed (and is retried)',
		},
	],
};

export const drainField: INodeProperties = {
	displayName: 'Drain Options',
	name: 'drainOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1000 },
			default: 50,
			description:
				'Requests read from the store at a time per source (bodies included, at most 1 MB of them)',
		},
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 64 },
			default: 4,
			description:
				'Sources drained at the same time; the requests of one source always go one after another',
		},
		{
			displayName: 'Keep Delivered (Hours)',
			name: 'keepDeliveredHours',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 24,
			description:
				'How long delivered requests (without their bodies) are kept to refuse repeats of their key',
		},
		{
			displayName: 'Lease (Seconds)',
			name: 'leaseSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 60,
			description:
				'How long a source stays claimed by a drainer that stopped answering, before another may take it',
		},
		{
			displayName: 'Max Attempts',
			name: 'maxAttempts',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 8,
			description: 'Failed deliveries after which a request becomes a dead letter',
		},
		{
			displayName: 'Max Duration (Seconds)',
			name: 'maxDurationSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description:
				'Stop starting new deliveries after this long; the rest waits for the next drain',
		},
		{
			displayName: 'Rate Limit (per Second)',
			name: 'ratePerSecond',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description: 'Deliveries per second to one source; 0 for no limit',
		},
		{
			displayName: 'Retry Schedule (Seconds)',
			name: 'retrySchedule',
			type: 'string',
			default: '5,300,1800,7200,18000,36000,36000',
			description:
				"Delays before each retry, comma-separated; the last one repeats (default: Svix's schedule)",
		},
	],
};
