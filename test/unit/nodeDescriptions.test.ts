import { readFileSync } from 'node:fs';

import { DESCRIPTIONS_FIXTURE, nodeDescriptionsJson } from '../support/nodeDescriptions';

describe('node descriptions', () => {
	it('are exactly what the fixture recorded (what n8n shows changes only on purpose)', () => {
		expect(nodeDescriptionsJson()).toBe(readFileSync(DESCRIPTIONS_FIXTURE, 'utf8'));
	});

	it('cover all six nodes, each with an Operation selector', () => {
		const descriptions = JSON.parse(readFileSync(DESCRIPTIONS_FIXTURE, 'utf8')) as Record<
			string,
			{ properties: Array<{ name: string; options?: unknown[] }> }
		>;
		expect(Object.keys(descriptions).sort()).toEqual([
			'caddyRoute',
			'dnsRecord',
			'heartbeat',
			'sshSetup',
			'tailscaleKey',
			'vultrInstance',
		]);
		for (const description of Object.values(descriptions)) {
			const selectors = description.properties.filter((p) => p.name === 'operation');
			expect(selectors.length).toBeGreaterThan(0);
			for (const selector of selectors) expect(selector.options?.length).toBeGreaterThan(0);
		}
	});
});
