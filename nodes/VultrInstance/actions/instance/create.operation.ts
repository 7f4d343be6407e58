import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { UncertainOutcomeError } from '../../../../lib/http-retry';
import { InputError, parseHostname } from '../../../../lib/validation';
import {
	parseFirewallGroupId,
	parseLabel,
	parseOsId,
	parsePlan,
	parseRegion,
	parseResourceIds,
	parseTags,
} from '../../helpers/inputs';
import { summarizeInstance } from '../../helpers/instanceSummary';
import { HOST_KEY_TAG_PREFIX, MANAGED_TAG } from '../../helpers/managed';
import { buildUserData, type UserDataMode } from '../../helpers/userData';
import { planTypeOptions } from '../common.descriptions';
import { vultrCall, vultrObjectIn, vultrRequest } from '../../transport';
import { findManagedByLabel, readinessOptions, readinessPlanAt, waitForInstance } from './shared';
import { quoted } from '../../../../lib/errors';

const show = { resource: ['instance'], operation: ['create'] };
/** How often a POST whose outcome was unknown, and which a lookup proved absent, is sent again. */
const MAX_CREATE_ATTEMPTS = 3;
/** Give Vultr's list a moment to show an instance that a failed POST may have created. */
const SETTLE_MS = 1_000;

export const description: INodeProperties[] = [
	{
		displayName: 'Region Name or ID',
		name: 'region',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getRegions' },
		required: true,
		default: '',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'Loaded from your Vultr account; pick the location closest to home',
		displayOptions: { show },
	},
	{
		displayName: 'Plan Type',
		name: 'planType',
		type: 'options',
		options: planTypeOptions,
		default: 'vhf',
		description: 'Narrows the plan list; only plans the chosen region offers right now are shown',
		displayOptions: { show },
	},
	{
		displayName: 'Plan Name or ID',
		name: 'plan',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getPlans', loadOptionsDependsOn: ['region', 'planType'] },
		required: true,
		default: '',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'Plans of the chosen region; 1 vCPU / 1 GB is enough for an ingress',
		displayOptions: { show },
	},
	{
		displayName: 'Operating System Name or ID',
		name: 'osId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getOperatingSystems' },
		required: true,
		default: '',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'SSH Setup expects Debian or Ubuntu, e.g. Ubuntu 24.04 LTS x64',
		displayOptions: { show },
	},
	{
		displayName: 'Label',
		name: 'label',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'ingress-1',
		description:
			'Identifies the instance: a managed instance with this label is returned instead of buying another',
		hint: 'Keep it stable: a retry finds the VPS by it instead of buying one',
		displayOptions: { show },
	},
	{
		displayName: 'Hostname',
		name: 'hostname',
		type: 'string',
		default: '',
		placeholder: 'ingress.example.com',
		displayOptions: { show },
	},
	{
		displayName: 'If It Already Exists',
		name: 'ifExists',
		type: 'options',
		options: [
			{
				name: 'Return It',
				value: 'return',
				description: 'Output the existing instance, marked existing: true',
			},
			{ name: 'Fail', value: 'fail', description: 'Stop with an error' },
		],
		default: 'return',
		displayOptions: { show },
	},
	{
		displayName: 'User Data',
		name: 'userDataMode',
		type: 'options',
		options: [
			{ name: 'None', value: 'none' },
			{ name: 'Raw', value: 'raw', description: 'Your own script or cloud-config, sent as it is' },
			{
				name: 'Cloud-Init Template',
				value: 'cloudInit',
				description: 'Built by the node: hostname, packages, upgrades and the pinned host key',
			},
		],
		default: 'cloudInit',
		displayOptions: { show },
	},
	{
		displayName: 'Raw User Data',
		name: 'userData',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		displayOptions: { show: { ...show, userDataMode: ['raw'] } },
	},
	{
		displayName: 'Pin Host Key',
		name: 'pinHostKey',
		type: 'boolean',
		default: true,
		description:
			"Whether to generate the server's ed25519 SSH host key here and output its SHA256 fingerprint, so the first SSH connection can be verified. The private key goes only into the user data.",
		displayOptions: { show: { ...show, userDataMode: ['cloudInit'] } },
	},
	{
		displayName: 'Packages',
		name: 'packages',
		type: 'string',
		default: '',
		placeholder: 'fail2ban, unattended-upgrades',
		displayOptions: { show: { ...show, userDataMode: ['cloudInit'] } },
	},
	{
		displayName: 'Upgrade Packages on First Boot',
		name: 'upgrade',
		type: 'boolean',
		default: true,
		displayOptions: { show: { ...show, userDataMode: ['cloudInit'] } },
	},
	{
		displayName: 'Wait Until Ready',
		name: 'waitForReady',
		type: 'boolean',
		default: false,
		description:
			'Whether to return only when the instance is active, running and its server status ok',
		displayOptions: { show },
	},
	readinessOptions({ ...show, waitForReady: [true] }),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Automatic Backups',
				name: 'backups',
				type: 'boolean',
				default: false,
				description: "Whether to enable Vultr's paid automatic backups",
			},
			{
				displayName: 'Enable IPv6',
				name: 'enableIpv6',
				type: 'boolean',
				default: true,
				description: 'Whether to give the instance an IPv6 address',
			},
			{
				displayName: 'Firewall Group ID',
				name: 'firewallGroupId',
				type: 'string',
				default: '',
				placeholder: '1234abcd',
			},
			{
				displayName: 'SSH Key IDs',
				name: 'sshKeyIds',
				type: 'string',
				default: '',
				description: 'Comma-separated IDs (see SSH Key → Ensure)',
			},
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'string',
				default: '',
				description: 'Comma-separated; the package adds its own management tag',
			},
		],
	},
];

interface CreateRequest {
	label: string;
	region: string;
	plan: string;
	body: IDataObject;
}

/** Reads and checks every parameter; nothing is sent before this has passed. */
function readRequest(this: IExecuteFunctions, i: number): CreateRequest {
	const label = parseLabel('Label', this.getNodeParameter('label', i));
	const region = parseRegion('Region', this.getNodeParameter('region', i));
	const plan = parsePlan('Plan', this.getNodeParameter('plan', i));
	const osId = parseOsId('Operating System', this.getNodeParameter('osId', i));
	const hostnameRaw = String(this.getNodeParameter('hostname', i, '')).trim();
	const hostname = hostnameRaw ? parseHostname('Hostname', hostnameRaw, false) : undefined;
	const extra = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const tags = parseTags('Tags', extra.tags).filter(
		(t) => t !== MANAGED_TAG && !t.startsWith(HOST_KEY_TAG_PREFIX),
	);
	const sshKeyIds = parseResourceIds('SSH Key IDs', extra.sshKeyIds);
	const firewall = String(extra.firewallGroupId ?? '').trim();
	const firewallGroupId = firewall
		? parseFirewallGroupId('Firewall Group ID', firewall)
		: undefined;
	const mode = this.getNodeParameter('userDataMode', i) as UserDataMode;
	const userData = buildUserData({
		mode,
		raw: mode === 'raw' ? String(this.getNodeParameter('userData', i, '')) : '',
		packages: mode === 'cloudInit' ? this.getNodeParameter('packages', i, '') : '',
		upgrade: mode === 'cloudInit' ? (this.getNodeParameter('upgrade', i, true) as boolean) : false,
		pinHostKey:
			mode === 'cloudInit' ? (this.getNodeParameter('pinHostKey', i, false) as boolean) : false,
		hostname,
	});
	const ownTags = [
		MANAGED_TAG,
		...(userData.hostKeyFingerprint ? [HOST_KEY_TAG_PREFIX + userData.hostKeyFingerprint] : []),
	];
	const body: IDataObject = {
		region,
		plan,
		os_id: osId,
		label,
		tags: [...ownTags, ...tags],
		enable_ipv6: extra.enableIpv6 ?? true,
		backups: extra.backups ? 'enabled' : 'disabled',
	};
	if (hostname) body.hostname = hostname;
	if (sshKeyIds.length) body.sshkey_id = sshKeyIds;
	if (firewallGroupId) body.firewall_group_id = firewallGroupId;
	if (userData.encoded) body.user_data = userData.encoded;
	return { label, region, plan, body };
}

async function assertPlanAvailable(
	this: IExecuteFunctions,
	region: string,
	plan: string,
): Promise<void> {
	const { available_plans: available = [] } = (await vultrRequest.call(
		this,
		'GET',
		`/regions/${region}/availability`,
	)) as {
		available_plans?: string[];
	};
	if (!available.includes(plan)) {
		throw new InputError(
			'Plan',
			`${quoted(plan)} is not available in region ${quoted(region)} right now (available: ${available.join(', ') || 'none'})`,
		);
	}
}

/**
 * POSTs the instance. When the answer is lost (timeout, dropped connection, 5xx) the POST is never
 * simply repeated: the managed instance with this label is looked up first, and only when it is
 * provably absent is the POST sent again.
 */
async function createOnce(
	this: IExecuteFunctions,
	request: CreateRequest,
): Promise<{ instance: IDataObject; recovered: boolean }> {
	for (let attempt = 1; ; attempt++) {
		try {
			const { body } = await vultrCall.call(this, 'POST', '/instances', {
				body: request.body,
				safe: false,
			});
			const instance = vultrObjectIn(this, 'POST', '/instances', body, 'instance');
			return { instance, recovered: false };
		} catch (error) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- already a NodeApiError from the transport
			if (!(error instanceof UncertainOutcomeError)) throw error;
			await sleep(SETTLE_MS);
			const [found] = await findManagedByLabel.call(this, request.label);
			if (found) return { instance: found, recovered: true };
			if (attempt >= MAX_CREATE_ATTEMPTS) {
				throw new NodeOperationError(
					this.getNode(),
					`Vultr did not confirm creating "${request.label}" (${error.message})`,
					{
						description: `No instance with this label exists, so nothing was bought. Tried ${attempt} times; run the node again later.`,
					},
				);
			}
		}
	}
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const request = readRequest.call(this, i);
		const waitForReady = this.getNodeParameter('waitForReady', i, false) as boolean;
		const plan = waitForReady ? readinessPlanAt.call(this, i) : undefined;
		const [existing] = await findManagedByLabel.call(this, request.label);
		if (existing) {
			if (this.getNodeParameter('ifExists', i) === 'fail') {
				throw new NodeOperationError(
					this.getNode(),
					`A managed instance labelled "${request.label}" already exists (${String(existing.id)})`,
					{
						itemIndex: i,
					},
				);
			}
			const summary = plan
				? await waitForInstance.call(this, String(existing.id), plan, existing)
				: summarizeInstance(existing);
			return { ...summary, existing: true };
		}
		await assertPlanAvailable.call(this, request.region, request.plan);
		const { instance, recovered } = await createOnce.call(this, request);
		const summary = plan
			? await waitForInstance.call(this, String(instance.id), plan, instance)
			: summarizeInstance(instance);
		return {
			...summary,
			existing: false,
			...(recovered ? { recoveredAfterLostResponse: true } : {}),
		};
	});
}
