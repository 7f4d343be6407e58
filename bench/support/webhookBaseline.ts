/**
 * Shipped route workflows rebuilt without this package, for benchmarks that compare against what a user
 * would build with n8n's own nodes.
 */
import type { WorkflowJson } from '../../scripts/n8n-instance';

/**
 * The baseline: the same webhooks built without this package, as a user would with n8n's own HTTP
 * Request node — it publishes the route by POSTing Caddy JSON to the admin API, so n8n's HTTP stack and
 * Caddy's reload are in both measurements and the difference is what the package adds.
 */
export function withoutPackageNodes(workflow: WorkflowJson, caddyAdminUrl: string): WorkflowJson {
	const copy = structuredClone(workflow);
	copy.id = `${workflow.id.slice(0, 17)}Base`;
	const ours = copy.nodes.filter((node) => node.type.startsWith('n8n-nodes-homelab-ingress.'));
	const caddyNode = ours.find((node) => node.type.endsWith('.caddyRoute'))!;
	const body =
		caddyNode.parameters.operation === 'upsert'
			? "={{ JSON.stringify({ match: [{ host: [$('Ingress Settings').item.json.body.host] }], handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: $('Ingress Settings').item.json.body.upstream }] }], terminal: true }) }}"
			: '';
	Object.assign(caddyNode, {
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		credentials: undefined,
		parameters: body
			? {
					method: 'POST',
					url: `${caddyAdminUrl}/config/apps/http/servers/ingress/routes`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: body,
					options: {},
				}
			: { method: 'GET', url: `${caddyAdminUrl}/config/apps/http/servers/ingress`, options: {} },
	});
	const dropped = new Set(ours.filter((node) => node !== caddyNode).map((node) => node.name));
	copy.nodes = copy.nodes.filter((node) => !dropped.has(node.name));
	const connections = copy.connections as Record<
		string,
		{ main: Array<Array<{ node: string; type: string; index: number }>> }
	>;
	for (const name of dropped) delete connections[name];
	for (const from of Object.values(connections)) {
		from.main = from.main.map((targets) => targets.filter((target) => !dropped.has(target.node)));
	}
	const respond = copy.nodes.find(
		(node) => node.name === 'Respond Published' || node.name === 'Respond Removed',
	);
	if (respond) {
		connections[caddyNode.name].main[0] = [{ node: respond.name, type: 'main', index: 0 }];
		respond.parameters.responseBody =
			"={{ JSON.stringify({ host: $('Ingress Settings').item.json.body.host, upstreams: [$('Ingress Settings').item.json.body.upstream], routeId: 'baseline', dns: false }) }}";
	}
	const wantsDns = connections['Wants DNS?'];
	if (wantsDns) wantsDns.main[0] = [];
	return copy;
}
