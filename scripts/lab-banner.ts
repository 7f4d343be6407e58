/**
 * What `npm start` tells the user once the lab runs: the banner, with commands that publish a route to
 * the home service, fetch it through the lab's Caddy and unpublish it, and the env file those commands
 * source for the webhook token (a secret: it is never printed, and stays out of shell history).
 */
import { chmodSync, writeFileSync } from 'node:fs';

import { quote } from '../lib/shell';

/** A public-style name (route hosts must be public DNS names) that only the lab's Caddy serves. */
export const LAB_ROUTE_HOST = 'app.lab.example';

export interface LabEnv {
	webhookToken: string;
	routesUrl: string;
	ingressUrl: string;
	homeAddress: string;
	caddyAdminUrl: string;
}

/** Written with mode 600; every value is shell-quoted, so sourcing it only sets these variables. */
export function writeLabEnv(file: string, env: LabEnv): void {
	const lines = [
		'# The lab of n8n-nodes-homelab-ingress, written by `npm start`. Load it into a shell with:',
		`#   . ${quote(file)}`,
		`HLI_LAB_TOKEN=${quote(env.webhookToken)}`,
		`HLI_LAB_ROUTES_URL=${quote(env.routesUrl)}`,
		`HLI_LAB_INGRESS_URL=${quote(env.ingressUrl)}`,
		`HLI_LAB_HOME=${quote(env.homeAddress)}`,
		`HLI_LAB_CADDY_ADMIN_URL=${quote(env.caddyAdminUrl)}`,
	];
	writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
	chmodSync(file, 0o600);
}

/** A shell word as it is when nothing in it needs quoting (easier to read), else quoted. */
function shellWord(value: string): string {
	return /^[\w./:@%+=,-]+$/.test(value) ? value : quote(value);
}

/** The copy-paste commands: publish the home service, fetch it through Caddy, unpublish it. */
export function tryItCommands(envFile: string, env: LabEnv): string[] {
	const auth = `-H "Authorization: Bearer $HLI_LAB_TOKEN" -H 'Content-Type: application/json'`;
	const publish = JSON.stringify({ host: LAB_ROUTE_HOST, upstream: env.homeAddress });
	const unpublish = JSON.stringify({ host: LAB_ROUTE_HOST });
	return [
		`. ${shellWord(envFile)}`,
		`curl -sS -w '\\n' -X POST ${shellWord(env.routesUrl)} ${auth} -d ${quote(publish)}`,
		`curl -sS -H ${quote(`Host: ${LAB_ROUTE_HOST}`)} ${shellWord(`${env.ingressUrl}/`)}`,
		`curl -sS -w '\\n' -X DELETE ${shellWord(env.routesUrl)} ${auth} -d ${quote(unpublish)}`,
	];
}

export interface LabSummary {
	readySeconds: number;
	n8nUrl: string;
	ownerEmail: string;
	ownerPassword: string;
	caddy: { adminUrl: string; ingressUrl: string; binary: string } | { reason: string };
	homeAddress: string;
	simulators: string[];
	credentials: string[];
	published: string[];
	unpublished: string[];
	allowedNetwork: string;
	instanceDir: string;
	envFile: string;
	env: LabEnv;
}

export function banner(summary: LabSummary): string {
	const { caddy } = summary;
	const caddyLine =
		'reason' in caddy
			? `not running: ${caddy.reason}`
			: `admin API ${caddy.adminUrl}, server "ingress" on ${caddy.ingressUrl} (${caddy.binary})`;
	const lines = [
		'',
		`n8n-nodes-homelab-ingress lab is running (ready ${summary.readySeconds.toFixed(1)} s after start)`,
		`  n8n:             ${summary.n8nUrl}  (login ${summary.ownerEmail}, password ${summary.ownerPassword})`,
		`  Caddy (the VPS): ${caddyLine}`,
		`  Home service:    http://${summary.homeAddress}`,
		`  Simulators:      ${summary.simulators.join(', ')}`,
		`  Credentials:     ${summary.credentials.join(', ')}`,
		`  Published:       ${summary.published.join(', ')}`,
		`  Not published:   ${summary.unpublished.join(', ') || '-'}`,
		'                   (they run on a schedule and call other hosts: set their URLs, then publish them in the editor)',
		`  Edge settings:   the lab's copy of the publish workflow allows upstreams in ${summary.allowedNetwork}, with Allow`,
		'                   Loopback Upstreams on, so it can publish the home service; workflows/publish-route.json',
		'                   keeps its default (the tailnet only, no loopback)',
		`  Data:            ${summary.instanceDir} (the webhook token is in ${summary.envFile}, mode 600)`,
		'',
	];
	if ('reason' in caddy) {
		lines.push(
			'Without Caddy the route workflows answer 502. Install Debian\'s "caddy" package (or put a caddy',
			'on PATH) and start the lab again.',
		);
	} else {
		lines.push(
			'Publish a route to the home service, fetch it through Caddy, unpublish it (in another terminal):',
			...tryItCommands(summary.envFile, summary.env).map((command) => `  ${command}`),
		);
	}
	lines.push('', 'Press Ctrl-C to stop the lab.');
	return lines.join('\n');
}
