import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../lib/execute';
import {
	createHeadscalePreAuthKey,
	createTailscaleAuthKey,
	headscaleServerUrl,
	parseHeadscaleUserName,
	tailscaleSettings,
} from '../../../lib/tailnet-api';
import { InputError, assertNoControlChars } from '../../../lib/validation';
import { installFromRepository } from '../helpers/aptRepository';
import { withSession } from '../helpers/connection';
import { keyValues } from '../helpers/steps';
import {
	TAILSCALE_PROBE,
	TAILSCALE_REPOSITORY,
	parseTailscaleJoin,
	tailscaleUpCommand,
	type TailscaleJoin,
} from '../helpers/tailscale';
import type { SshSession } from '../transport';

const show = { show: { operation: ['tailscale'] } };
const showFor = (sources: string[]) => ({
	show: { operation: ['tailscale'], tsAuthKeySource: sources },
});
/** Minted keys only need to live until `tailscale up` has used them. */
const MINTED_KEY_EXPIRY_SECONDS = 3600;

export const description: INodeProperties[] = [
	{
		displayName: 'Install From',
		name: 'tsInstall',
		type: 'options',
		default: 'repository',
		displayOptions: show,
		options: [
			{
				name: 'Tailscale Apt Repository',
				value: 'repository',
				description:
					'Signed repository at pkgs.tailscale.com (only used when tailscale is missing)',
			},
			{
				name: 'Already Installed',
				value: 'present',
				description: 'Use the tailscale already on the server; fail if it is missing',
			},
		],
	},
	{
		displayName: 'Auth Key From',
		name: 'tsAuthKeySource',
		type: 'options',
		default: 'tailscaleApi',
		displayOptions: show,
		options: [
			{
				name: 'Tailscale API (Mint in the Node)',
				value: 'tailscaleApi',
				description:
					'A one-time key made with the Tailscale API credential; it never enters workflow data',
			},
			{
				name: 'Headscale API (Mint in the Node)',
				value: 'headscaleApi',
				description: 'A one-time pre-auth key made with the Headscale credential',
			},
			{ name: 'Given Key', value: 'given' },
		],
	},
	{
		displayName: 'Auth Key',
		name: 'tsAuthKey',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		displayOptions: showFor(['given']),
		description:
			'Passed to tailscale through a root-only file, never on a command line or in the output',
		hint: 'A one-off key, e.g. from Tailscale Key → Create',
	},
	{
		displayName: 'Headscale User',
		name: 'tsHeadscaleUser',
		type: 'string',
		default: '',
		placeholder: 'servers',
		displayOptions: showFor(['headscaleApi']),
		description: 'Owner of the device. Optional from Headscale v0.28 when tags are given.',
	},
	{
		displayName: 'Hostname',
		name: 'tsHostname',
		type: 'string',
		default: '',
		placeholder: 'ingress-vps',
		displayOptions: show,
		description: "Device name in the tailnet (one DNS label); empty keeps the server's host name",
	},
	{
		displayName: 'Tags',
		name: 'tsTags',
		type: 'string',
		default: '',
		placeholder: 'tag:server, tag:ingress',
		displayOptions: show,
		description:
			'ACL tags to advertise (comma-separated). Required for keys minted with an OAuth client.',
	},
	{
		displayName: 'Tailscale SSH',
		name: 'tsSsh',
		type: 'boolean',
		default: false,
		displayOptions: show,
		description: 'Whether to run the Tailscale SSH server (--ssh)',
	},
	{
		displayName: 'Login Server',
		name: 'tsLoginServer',
		type: 'string',
		default: '',
		placeholder: 'https://headscale.example.com',
		displayOptions: show,
		description:
			"Control server (Headscale). Empty: Tailscale's, or with a Headscale credential its server URL.",
	},
	{
		displayName: 'Options',
		name: 'tsOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Accept Routes',
				name: 'acceptRoutes',
				type: 'boolean',
				default: false,
				description: 'Whether to use subnet routes other devices advertise',
			},
			{
				displayName: 'Ephemeral',
				name: 'ephemeral',
				type: 'boolean',
				default: false,
				description: 'Whether a minted key makes an ephemeral device (removed when offline)',
			},
			{
				displayName: 'Re-Join',
				name: 'rejoin',
				type: 'boolean',
				default: false,
				description:
					'Whether to run tailscale up again (with a new key) even when the device is already connected',
			},
		],
	},
];

type KeySource = 'given' | 'tailscaleApi' | 'headscaleApi';

interface MintedKey {
	key: string;
	/** The key's id (never its value), so it can be revoked later. */
	id?: string;
}

/** A one-time key from the chosen API; only its id leaves this function towards the output. */
async function mintKey(
	this: IExecuteFunctions,
	source: KeySource,
	join: TailscaleJoin,
	i: number,
	ephemeral: boolean,
): Promise<MintedKey> {
	if (source === 'given') {
		const key = assertNoControlChars(
			'Auth Key',
			String(this.getNodeParameter('tsAuthKey', i, '')).trim(),
		);
		if (!key) throw new InputError('Auth Key', 'is required when the key is given');
		return { key };
	}
	if (source === 'tailscaleApi') {
		const { oauth } = await tailscaleSettings.call(this);
		if (oauth && !join.tags.length)
			throw new InputError(
				'Tags',
				'keys minted with an OAuth client must carry tags owned by that client',
			);
		const created = await createTailscaleAuthKey.call(
			this,
			{ reusable: false, ephemeral, preauthorized: true, tags: join.tags },
			MINTED_KEY_EXPIRY_SECONDS,
			'n8n SSH Setup join',
		);
		return { key: String(created.key), id: String(created.id) };
	}
	const rawUser = String(this.getNodeParameter('tsHeadscaleUser', i, '')).trim();
	const created = await createHeadscalePreAuthKey.call(this, {
		userName: rawUser ? parseHeadscaleUserName('Headscale User', rawUser) : undefined,
		aclTags: join.tags,
		reusable: false,
		ephemeral,
		expirySeconds: MINTED_KEY_EXPIRY_SECONDS,
	});
	return {
		key: String(created.key),
		id: created.id === undefined ? undefined : String(created.id),
	};
}

async function joinTailnet(
	session: SshSession,
	join: TailscaleJoin,
	key: string,
): Promise<Record<string, string>> {
	const result = await session.check(
		'tailscale up',
		`set -e
umask 077
keyfile=$(mktemp /run/.hli-tailscale-key.XXXXXX); trap 'rm -f "$keyfile"' EXIT
cat > "$keyfile"
if systemctl cat tailscaled.service >/dev/null 2>&1; then systemctl enable --now tailscaled.service >/dev/null 2>&1; fi
${tailscaleUpCommand(join, 'keyfile')} >&2
echo "ipv4=$(tailscale ip -4 | head -n1)"
echo "ipv6=$(tailscale ip -6 | head -n1)"`,
		{ stdin: `${key}\n` },
	);
	return keyValues(result.stdout);
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const source = this.getNodeParameter('tsAuthKeySource', i) as KeySource;
		const install = this.getNodeParameter('tsInstall', i) as string;
		const options = this.getNodeParameter('tsOptions', i, {}) as {
			acceptRoutes?: boolean;
			ephemeral?: boolean;
			rejoin?: boolean;
		};
		const join = parseTailscaleJoin({
			hostname: this.getNodeParameter('tsHostname', i, '') as string,
			tags: this.getNodeParameter('tsTags', i, '') as string,
			ssh: this.getNodeParameter('tsSsh', i, false) as boolean,
			loginServer: this.getNodeParameter('tsLoginServer', i, '') as string,
			acceptRoutes: options.acceptRoutes,
		});
		if (source === 'headscaleApi' && !join.loginServer)
			join.loginServer = await headscaleServerUrl.call(this);
		return await withSession(this, i, async (session) => {
			const before = keyValues(
				(await session.check('Reading Tailscale state', TAILSCALE_PROBE)).stdout,
			);
			let installed: string[] = [];
			if (before.installed !== '1') {
				if (install === 'present') {
					throw new InputError(
						'Install From',
						'tailscale is not installed on the server; choose the Tailscale apt repository',
					);
				}
				installed = await installFromRepository(session, TAILSCALE_REPOSITORY, ['tailscale']);
			}
			const out: IDataObject = { host: session.target.host, ...join, keySource: source, installed };
			if (before.state === 'Running' && !options.rejoin) {
				return {
					...out,
					changed: installed.length > 0,
					joined: false,
					backendState: before.state,
					ipv4: before.ipv4,
					ipv6: before.ipv6,
				};
			}
			const minted = await mintKey.call(this, source, join, i, options.ephemeral === true);
			const after = await joinTailnet(session, join, minted.key);
			if (!after.ipv4 && !after.ipv6)
				throw new Error('tailscale up finished but the device has no tunnel address');
			return {
				...out,
				changed: true,
				joined: true,
				keyId: minted.id ?? null,
				backendState: 'Running',
				ipv4: after.ipv4,
				ipv6: after.ipv6,
			};
		});
	});
}
