/**
 * What n8n receives from each of the six nodes: its description as JSON. test/unit/nodeDescriptions.test.ts
 * compares it with test/fixtures/node-descriptions.json, written by running this file:
 *   npx ts-node --transpile-only --prefer-ts-exts test/support/nodeDescriptions.ts
 * Regenerate the fixture only for a deliberate change of what a node shows, and review its diff.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { CaddyRoute } from '../../nodes/CaddyRoute/CaddyRoute.node';
import { DnsRecord } from '../../nodes/DnsRecord/DnsRecord.node';
import { Heartbeat } from '../../nodes/Heartbeat/Heartbeat.node';
import { SshSetup } from '../../nodes/SshSetup/SshSetup.node';
import { TailscaleKey } from '../../nodes/TailscaleKey/TailscaleKey.node';
import { VultrInstance } from '../../nodes/VultrInstance/VultrInstance.node';

export const DESCRIPTIONS_FIXTURE = join(__dirname, '..', 'fixtures', 'node-descriptions.json');

/** The descriptions by node name, as indented JSON (key order kept, as n8n gets it). */
export function nodeDescriptionsJson(): string {
	const nodes = [
		new CaddyRoute(),
		new DnsRecord(),
		new Heartbeat(),
		new SshSetup(),
		new TailscaleKey(),
		new VultrInstance(),
	];
	const byName = Object.fromEntries(nodes.map((node) => [node.description.name, node.description]));
	return `${JSON.stringify(byName, null, '\t')}\n`;
}

if (require.main === module) writeFileSync(DESCRIPTIONS_FIXTURE, nodeDescriptionsJson());
