import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapItems } from '../../../../lib/execute';
import { InputError, parseHostPort } from '../../../../lib/validation';
import { serverAt } from '../../helpers/parameters';
import type { CaddyRoute } from '../../helpers/caddyJson';
import { managedRoutesOf } from '../../helpers/routeBuckets';
import { parseRoute } from '../../helpers/routeConfig';
import { readServerRoutes } from '../../transport';
import { tunnelHost } from '../../transport/adminAccess';
import { checkPublicHost, type PublicCheck } from '../../transport/publicCheck';

const displayOptions = { show: { resource: ['route'], operation: ['verify'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Public Address',
		name: 'publicAddress',
		type: 'string',
		default: '127.0.0.1:443',
		placeholder: '127.0.0.1:443',
		noDataExpression: true,
		hint: "Caddy's HTTPS listener as seen from n8n; empty: the SSH host, :443",
		description:
			"Where the HTTPS listener answers (host:port). On the VPS itself, loopback port 443 checks Caddy's public side without leaving the machine. Empty with Admin API Access Through SSH: port 443 of the server the tunnel goes to (e.g. a VPS just created).",
		displayOptions,
	},
	{
		displayName: 'Minimum Days Left',
		name: 'minDaysLeft',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 14,
		description: 'A certificate that expires sooner fails the check',
		displayOptions,
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: '/',
		description: 'Path requested on each host',
		displayOptions,
	},
	{
		displayName: 'Trusted CA Certificate',
		name: 'trustedCaPem',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		placeholder: '-----BEGIN CERTIFICATE-----',
		description:
			"Only for a private CA (a lab, Caddy's internal CA): PEM certificates to trust instead of the system's",
		displayOptions,
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 120 },
		default: 10,
		displayOptions,
	},
];

function problemsOf(check: PublicCheck, minDaysLeft: number): string[] {
	const problems: string[] = [];
	if (check.error) problems.push(`no answer: ${check.error}`);
	else if ((check.status ?? 0) >= 500 && !check.offline) problems.push(`status ${check.status}`);
	if (check.offline) problems.push('the offline page is served: home is not reachable');
	if (!check.error && !check.trusted)
		problems.push(`certificate not trusted (${check.trustError || 'unknown'})`);
	if (check.daysLeft !== undefined && check.daysLeft < minDaysLeft) {
		problems.push(`certificate expires in ${check.daysLeft} days (fewer than ${minDaysLeft})`);
	}
	return problems;
}

/** The Public Address, or (left empty, through SSH) port 443 of the server the tunnel goes to. */
async function publicAddressAt(
	this: IExecuteFunctions,
	i: number,
): Promise<{ host: string; port: number }> {
	const given = String(this.getNodeParameter('publicAddress', i)).trim();
	const sshHost = given ? undefined : await tunnelHost(this);
	if (sshHost) return { host: sshHost, port: 443 };
	return parseHostPort('Public Address', given);
}

/**
 * For every managed host of the server (wildcards cannot be requested and are skipped), an HTTPS request
 * through the public listener: status, latency, the certificate's issuer and days left, and whether the
 * answer is the offline page. One item per host, `ok: false` with the problems when a check fails.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const server = serverAt.call(this, i);
		const { host: address, port } = await publicAddressAt.call(this, i);
		const minDaysLeft = this.getNodeParameter('minDaysLeft', i) as number;
		const path = String(this.getNodeParameter('path', i) || '/');
		if (!path.startsWith('/') || /[\s\0]/.test(path))
			throw new InputError('Path', 'must start with / and hold no spaces');
		const ca = String(this.getNodeParameter('trustedCaPem', i, '')).trim() || undefined;
		const timeoutMs = (this.getNodeParameter('timeoutSeconds', i) as number) * 1000;

		const routes = (await readServerRoutes.call(this, server)) as CaddyRoute[];
		const hosts = [
			...new Set(managedRoutesOf(routes).flatMap((route) => parseRoute(route)?.hosts ?? [])),
		].filter((host) => !host.startsWith('*.'));
		const results: IDataObject[] = [];
		for (const host of hosts) {
			const check = await checkPublicHost({
				address,
				port,
				host,
				path,
				ca,
				timeoutMs,
				signal: this.getExecutionCancelSignal(),
			});
			const problems = problemsOf(check, minDaysLeft);
			results.push({ server, host, ok: problems.length === 0, problems, ...check });
		}
		return results;
	});
}
