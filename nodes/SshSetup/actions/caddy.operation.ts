import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../lib/execute';
import { installFromRepository } from '../helpers/aptRepository';
import {
	ADMIN_LISTEN,
	ADMIN_ORIGINS,
	type AdminBlock,
	CADDY_PROBE,
	CADDY_REPOSITORY,
	CADDY_VERIFY,
	adminPostScript,
	isAdminPinned,
	pinAdminCall,
} from '../helpers/caddy';
import { withSession } from '../helpers/connection';
import { ensurePackages } from '../helpers/files';
import { keyValues } from '../helpers/steps';
import { SshError, type SshSession } from '../transport';

const show = { show: { operation: ['caddy'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Install From',
		name: 'caddyInstall',
		type: 'options',
		default: 'repository',
		displayOptions: show,
		options: [
			{
				name: 'Caddy Apt Repository',
				value: 'repository',
				description:
					'The official signed repository (current Caddy), used only when caddy is missing',
			},
			{
				name: 'Distribution Package',
				value: 'distribution',
				description: "The caddy package of the server's own distribution",
			},
		],
	},
];

function splitConfig(stdout: string): { facts: Record<string, string>; config: unknown } {
	const [head, body = ''] = stdout.split('--- config\n');
	let config: unknown;
	try {
		config = body.trim() ? JSON.parse(body) : undefined;
	} catch {
		config = undefined;
	}
	return { facts: keyValues(head), config };
}

/** caddy-api.service (`caddy run --resume`) instead of caddy.service, so API changes survive restarts. */
async function ensureApiMode(session: SshSession, facts: Record<string, string>): Promise<boolean> {
	const caddyfileMode = facts['caddy.enabled'] === 'enabled' || facts['caddy.active'] === 'active';
	const apiMode =
		facts['caddy-api.enabled'] === 'enabled' && facts['caddy-api.active'] === 'active';
	if (!caddyfileMode && apiMode) return false;
	await session.check(
		'Switching Caddy to API mode',
		`systemctl disable --now caddy.service >/dev/null 2>&1 || true
systemctl enable --now caddy-api.service`,
	);
	return true;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const source = this.getNodeParameter('caddyInstall', i) as string;
		return await withSession(this, i, async (session) => {
			const installed =
				source === 'distribution'
					? await ensurePackages(session, ['caddy'], false)
					: await installFromRepository(session, CADDY_REPOSITORY, ['caddy']);
			const probe = splitConfig((await session.check('Reading Caddy state', CADDY_PROBE)).stdout);
			const unitsChanged = await ensureApiMode(session, probe.facts);
			// After a (re)start the config is read again once the API answers.
			const live = unitsChanged
				? splitConfig((await session.check('Caddy admin API', CADDY_VERIFY)).stdout).config
				: probe.config;
			if (live === undefined || (live !== null && typeof live !== 'object')) {
				throw new SshError(
					'The Caddy admin API does not answer on localhost:2019',
					'It may be down, or enforce origins that do not include http://localhost:2019. Check `journalctl -u caddy-api` on the server.',
				);
			}
			const pin = pinAdminCall(live);
			if (pin)
				await session.check(
					'Pinning the admin API (localhost, enforced origins)',
					adminPostScript(pin.path),
					{
						stdin: JSON.stringify(pin.body),
					},
				);
			const verified = splitConfig((await session.check('Caddy admin API', CADDY_VERIFY)).stdout);
			const listeners = (verified.facts.listeners ?? '').split(' ').filter(Boolean);
			const admin = (verified.config as { admin?: AdminBlock } | null)?.admin;
			if (!isAdminPinned(admin) || listeners.some((l) => !/^(127\.0\.0\.1|\[::1\]):/.test(l))) {
				const { listen, enforce_origin, origins } = admin ?? {};
				throw new SshError(
					'The Caddy admin API is not answering on localhost only, with its origins enforced',
					`admin: ${JSON.stringify({ listen, enforce_origin, origins })}, listeners: ${listeners.join(', ') || 'none'}`,
				);
			}
			// The config says so; a request without Origin shows whether Caddy acts on it.
			if (verified.facts.withoutOrigin !== '403') {
				throw new SshError(
					'The Caddy admin API does not refuse requests without an allowed Origin',
					`A request without Origin got HTTP ${verified.facts.withoutOrigin || 'no answer'}, expected 403.`,
				);
			}
			return {
				host: session.target.host,
				changed: installed.length > 0 || unitsChanged || pin !== undefined,
				installed,
				unit: 'caddy-api.service',
				unitsChanged,
				adminListen: ADMIN_LISTEN,
				adminListeners: listeners,
				adminOriginEnforced: true,
				adminOrigins: ADMIN_ORIGINS,
				adminPinned: pin !== undefined,
				version: verified.facts.version,
			};
		});
	});
}
