/**
 * What a person meets in the n8n editor: the order and hints of the fields in each node's panel, the
 * words that find the nodes, the help at the top of each credential form and the notes on the shipped
 * workflows' canvases.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ICredentialType, INodeProperties, INodeType } from 'n8n-workflow';

import { CaddyAdminApi } from '../../credentials/CaddyAdminApi.credentials';
import { CloudflareDnsApi } from '../../credentials/CloudflareDnsApi.credentials';
import { HeadscaleApi } from '../../credentials/HeadscaleApi.credentials';
import { HomelabPostgresApi } from '../../credentials/HomelabPostgresApi.credentials';
import { HomelabSshApi } from '../../credentials/HomelabSshApi.credentials';
import { PowerDnsApi } from '../../credentials/PowerDnsApi.credentials';
import { TailscaleApi } from '../../credentials/TailscaleApi.credentials';
import { VultrApi } from '../../credentials/VultrApi.credentials';
import { CaddyRoute } from '../../nodes/CaddyRoute/CaddyRoute.node';
import { DnsRecord } from '../../nodes/DnsRecord/DnsRecord.node';
import { Heartbeat } from '../../nodes/Heartbeat/Heartbeat.node';
import { SshSetup } from '../../nodes/SshSetup/SshSetup.node';
import { TailscaleKey } from '../../nodes/TailscaleKey/TailscaleKey.node';
import { VultrInstance } from '../../nodes/VultrInstance/VultrInstance.node';
import { shippedWorkflows } from '../../scripts/n8n-instance';

const ROOT = join(__dirname, '..', '..');
const PACKAGE_NAME = (
	JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string }
).name;

const nodeClasses: Record<string, new () => INodeType> = {
	CaddyRoute,
	DnsRecord,
	Heartbeat,
	SshSetup,
	TailscaleKey,
	VultrInstance,
};
const nodes = Object.entries(nodeClasses).map(([folder, NodeClass]) => ({
	folder,
	description: new NodeClass().description,
}));
const credentials: ICredentialType[] = [
	new CaddyAdminApi(),
	new CloudflareDnsApi(),
	new HeadscaleApi(),
	new HomelabPostgresApi(),
	new HomelabSshApi(),
	new PowerDnsApi(),
	new TailscaleApi(),
	new VultrApi(),
];

/** What one line under a field holds in the panel at its default width (seen in the screenshots). */
const HINT_LINE = 66;

type Values = Record<string, unknown>;

function matches(condition: Record<string, unknown[] | undefined>, values: Values): boolean {
	return Object.entries(condition).every(([key, allowed]) => allowed?.includes(values[key]));
}

/** The top-level fields the panel shows for these parameter values, in panel order. */
function shownFields(properties: INodeProperties[], chosen: Values): INodeProperties[] {
	const values: Values = { ...chosen };
	for (const property of properties)
		if (!(property.name in values)) values[property.name] = property.default;
	return properties.filter((property) => {
		const { show, hide } = property.displayOptions ?? {};
		if (show && !matches(show as Record<string, unknown[]>, values)) return false;
		if (hide && Object.keys(hide).some((key) => matches({ [key]: hide[key] }, values)))
			return false;
		return true;
	});
}

/** Every operation a node offers, as the parameter values that select it. */
function operationChoices(properties: INodeProperties[]): Values[] {
	return properties
		.filter((property) => property.name === 'operation')
		.flatMap((selector) => {
			const show = (selector.displayOptions?.show ?? {}) as Record<string, unknown[]>;
			const scope = Object.fromEntries(Object.entries(show).map(([key, list]) => [key, list[0]]));
			return (selector.options ?? []).map((option) => ({
				...scope,
				operation: (option as { value: unknown }).value,
			}));
		});
}

/** Every field, collection and fixed-collection entries included. */
function allFields(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => {
		const nested = (property.options ?? []).flatMap((option) =>
			'values' in option
				? allFields(option.values as INodeProperties[])
				: 'type' in option
					? allFields([option as INodeProperties])
					: [],
		);
		return [property, ...nested];
	});
}

describe('node panels', () => {
	it.each(nodes.map(({ folder, description }) => [folder, description.properties] as const))(
		'%s asks first for what it acts on: a server or zone field comes before the operation fields',
		(_folder, properties) => {
			const misplaced = operationChoices(properties).filter((chosen) => {
				const shown = shownFields(properties, chosen);
				const locators = shown.filter((field) => field.type === 'resourceLocator');
				const operationFields = shown.filter(
					(field) =>
						field.name !== 'operation' &&
						field.type !== 'resourceLocator' &&
						field.displayOptions?.show?.operation,
				);
				const lastLocator = Math.max(...locators.map((field) => shown.indexOf(field)));
				const firstOperationField = Math.min(...operationFields.map((f) => shown.indexOf(f)));
				return locators.length > 0 && lastLocator > firstOperationField;
			});
			expect(misplaced).toEqual([]);
		},
	);

	it("puts Caddy Route's Server right after Resource and Operation for every route operation", () => {
		const { properties } = new CaddyRoute().description;
		for (const operation of ['upsert', 'delete', 'get', 'list', 'sync']) {
			const shown = shownFields(properties, { resource: 'route', operation });
			expect(shown.slice(0, 3).map((field) => field.name)).toEqual([
				'resource',
				'operation',
				'server',
			]);
		}
	});

	it.each(nodes.map(({ folder, description }) => [folder, description.properties] as const))(
		'%s: every field a person must fill in, fixes in the node or writes as JSON has a one-line hint',
		(_folder, properties) => {
			const needHints = allFields(properties).filter(
				(field) =>
					field.required ||
					field.type === 'json' ||
					field.type === 'resourceLocator' ||
					(field.noDataExpression && ['string', 'boolean'].includes(field.type)),
			);
			expect(needHints.length).toBeGreaterThan(0);
			const problems = needHints
				.filter((field) => !field.hint || field.hint.length > HINT_LINE)
				.map((field) => `${field.displayName} (${field.name}): ${JSON.stringify(field.hint)}`);
			expect(problems).toEqual([]);
		},
	);
});

describe('finding the nodes in the node panel', () => {
	const codexes = nodes.map(({ folder, description }) => ({
		name: description.name,
		displayName: description.displayName,
		codex: JSON.parse(readFileSync(join(ROOT, 'nodes', folder, `${folder}.node.json`), 'utf8')) as {
			node: string;
			alias?: string[];
		},
	}));

	/** n8n's node search looks at the display name and the codex aliases. */
	const found = (query: string) =>
		codexes
			.filter(({ displayName, codex }) =>
				[displayName, ...(codex.alias ?? [])].some((text) =>
					text.toLowerCase().includes(query.toLowerCase()),
				),
			)
			.map(({ name }) => name)
			.sort();

	it('each codex file names its own node type', () => {
		for (const { name, codex } of codexes) expect(codex.node).toBe(`${PACKAGE_NAME}.${name}`);
	});

	it.each([
		[
			'homelab',
			['caddyRoute', 'dnsRecord', 'heartbeat', 'sshSetup', 'tailscaleKey', 'vultrInstance'],
		],
		[
			'ingress',
			['caddyRoute', 'dnsRecord', 'heartbeat', 'sshSetup', 'tailscaleKey', 'vultrInstance'],
		],
		['reverse proxy', ['caddyRoute']],
		['vps', ['caddyRoute', 'sshSetup', 'vultrInstance']],
		['tunnel', ['tailscaleKey']],
		['dns', ['dnsRecord']],
	])('"%s" finds %j', (query, expected) => {
		expect(found(query)).toEqual(expected);
	});
});

describe('credential forms', () => {
	it.each(credentials.map((credential) => [credential.name, credential] as const))(
		'%s says at the top where to get its key and links to the service docs',
		(_name, credential) => {
			const [first] = credential.properties;
			expect(first.type).toBe('notice');
			const links = [...first.displayName.matchAll(/<a href="([^"]+)">[^<]+<\/a>/g)].map(
				(match) => new URL(match[1]),
			);
			expect(links.length).toBeGreaterThan(0);
			for (const link of links) expect(link.protocol).toBe('https:');
			expect(new URL(String(credential.documentationUrl)).protocol).toBe('https:');
		},
	);
});

describe('shipped workflows', () => {
	const STICKY_NOTE = 'n8n-nodes-base.stickyNote';
	// Values a person must replace: reserved example names and addresses, and tailnet URLs.
	const PLACEHOLDER =
		/\.invalid\b|\bexample\.(com|net|org)\b|\b(192\.0\.2|198\.51\.100|203\.0\.113)\.\d|\/\/100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./;

	const mustFillIn = (node: { parameters: unknown; credentials?: unknown }) =>
		node.credentials !== undefined || PLACEHOLDER.test(JSON.stringify(node.parameters));

	it.each(shippedWorkflows().map((workflow) => [workflow.name, workflow] as const))(
		'%s: a sticky note names every node a person must fill in',
		(_name, workflow) => {
			const nodesOf = workflow.nodes as Array<{
				name: string;
				type: string;
				parameters: Record<string, unknown>;
				credentials?: unknown;
			}>;
			const notes = nodesOf
				.filter((node) => node.type === STICKY_NOTE)
				.map((node) => String(node.parameters.content))
				.join('\n');
			const toFill = nodesOf.filter((node) => node.type !== STICKY_NOTE && mustFillIn(node));
			expect(toFill.length).toBeGreaterThan(0);
			expect(toFill.map((node) => node.name).filter((name) => !notes.includes(name))).toEqual([]);
		},
	);
});
