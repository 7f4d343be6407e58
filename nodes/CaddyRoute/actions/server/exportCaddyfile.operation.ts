import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { serverAt } from '../../helpers/parameters';
import { failureItem, toNodeError } from '../../../../lib/execute';
import { renderTemplate } from '../../../../lib/templates';
import type { CaddyRoute } from '../../helpers/caddyJson';
import { managedRoutesOf } from '../../helpers/routeBuckets';
import { offlinePageHtml, parseRoute } from '../../helpers/routeConfig';
import { readConfig, serverPath } from '../../transport';

export const description: INodeProperties[] = [
	{
		displayName: 'Binary Property',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Name of the binary property that receives the Caddyfile (for backups)',
		displayOptions: { show: { resource: ['server'], operation: ['exportCaddyfile'] } },
	},
];

/** Caddyfile strings are double-quoted; only the quote and backslash need escaping. */
function quote(text: string): string {
	return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

/** Site addresses that reproduce the server's listener: the scheme and port only when they differ from Caddy's defaults. */
function siteAddresses(
	hosts: string[],
	path: string | undefined,
	listen: string[],
	httpsOff: boolean,
): string[] {
	const port = listen.length === 1 ? (/:(\d+)$/.exec(listen[0])?.[1] ?? '') : '';
	const scheme = httpsOff ? 'http://' : '';
	const portSuffix = port && !(httpsOff ? port === '80' : port === '443') ? `:${port}` : '';
	return hosts.map((host) => `${scheme}${host}${portSuffix}${path ?? ''}`);
}

/** Renders the managed routes as a readable Caddyfile (templates/caddyfile.hbs), for humans and backups. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	const items = this.getInputData();
	for (let i = 0; i < items.length; i++) {
		try {
			const server = serverAt.call(this, i);
			const binaryPropertyName = this.getNodeParameter('binaryPropertyName', i) as string;
			const { value } = await readConfig.call(this, serverPath(server));
			const listen = (value?.listen as string[] | undefined) ?? [];
			const httpsOff = Boolean(
				(value?.automatic_https as { disable?: boolean } | undefined)?.disable,
			);
			const routes = managedRoutesOf((value?.routes as CaddyRoute[] | undefined) ?? []).flatMap(
				(route) => {
					const spec = parseRoute(route);
					if (!spec) return [];
					return [
						{
							...spec,
							addresses: siteAddresses(spec.hosts, spec.path, listen, httpsOff),
							offlineBody: spec.offlinePage
								? quote(offlinePageHtml(spec.offlineMessage).trim())
								: undefined,
						},
					];
				},
			);
			const caddyfile = renderTemplate('caddyfile.hbs', {
				server,
				automaticHttpsOff: httpsOff,
				routes,
			});
			const binary = await this.helpers.prepareBinaryData(
				Buffer.from(caddyfile),
				'Caddyfile',
				'text/plain',
			);
			output.push({
				json: { server, routes: routes.length, caddyfile },
				binary: { [binaryPropertyName]: binary },
				pairedItem: { item: i },
			});
		} catch (error) {
			const nodeError = await toNodeError.call(this, error, i);
			if (!this.continueOnFail()) throw nodeError;
			output.push(failureItem(error, nodeError, { item: i }));
		}
	}
	return output;
}
