/**
 * The drain measured by bench/offline-queue-memory.ts: one Drain of the Heartbeat node as built in dist/
 * (`npm run build`), run by plain node — no ts-node, no test harness, no heap cap. The node's execute()
 * gets a minimal execution context whose HTTP helper and egress filter are n8n's own (what n8n-core gives nodes).
 * argv[2]: JSON { parameters, credentials }. Prints one JSON line: delivered, ms, RSS before and at its peak,
 * and V8 heap and external (Buffer) memory before and at their peaks.
 */
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { getHeapSpaceStatistics } = require('node:v8');

const { Container } = require('@n8n/di');
const { OutboundHttp } = require('@n8n/backend-network');

const { Heartbeat } = require(
	join(__dirname, '..', 'dist', 'nodes', 'Heartbeat', 'Heartbeat.node.js'),
);

const peakRssBytes = () =>
	Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
const mb = (bytes) => Math.round(bytes / 2 ** 20);

function context(node, parameters, credentials) {
	const outbound = Container.get(OutboundHttp);
	const http = outbound.requests();
	const get = (name, _i, fallback) => (name in parameters ? parameters[name] : fallback);
	return {
		getNode: () => ({ name: 'Heartbeat', type: 'heartbeat', typeVersion: 1, parameters }),
		getNodeParameter: get,
		getInputData: () => [{ json: {} }],
		continueOnFail: () => false,
		getExecutionCancelSignal: () => undefined,
		getCredentials: async (type) => credentials[type],
		helpers: {
			httpRequest: async (options) => await http.request(options),
			getSecureEgressFilter: (policy) => outbound.egressFilter(policy),
		},
	};
}

async function main() {
	const { parameters, credentials = {} } = JSON.parse(process.argv[2]);
	const node = new Heartbeat();
	// One Queue Stats first: code loaded, store opened and migrated, so the baseline is what runs before a drain.
	await node.execute.call(
		context(node, { ...parameters, resource: 'queue', operation: 'stats' }, credentials),
	);
	const baseline = process.memoryUsage();
	// Where the peak goes: V8's heap (and its young generation) versus Buffers outside it (bodies).
	const youngSpaces = () =>
		getHeapSpaceStatistics()
			.filter((space) => space.space_name.startsWith('new_'))
			.reduce((sum, space) => sum + space.space_size, 0);
	const youngAtStart = youngSpaces();
	const peak = { heapTotal: 0, young: 0, external: 0 };
	const sampler = setInterval(() => {
		const { heapTotal, external } = process.memoryUsage();
		peak.heapTotal = Math.max(peak.heapTotal, heapTotal);
		peak.young = Math.max(peak.young, youngSpaces());
		peak.external = Math.max(peak.external, external);
	}, 20);
	const start = performance.now();
	const [[summary]] = await node.execute.call(
		context(node, { ...parameters, resource: 'queue', operation: 'drain' }, credentials),
	);
	const ms = performance.now() - start;
	clearInterval(sampler);
	const report = {
		delivered: summary.json.delivered,
		ms,
		baselineRssMb: mb(baseline.rss),
		peakRssMb: mb(peakRssBytes()),
		heapMb: [mb(baseline.heapTotal), mb(peak.heapTotal)],
		youngMb: [mb(youngAtStart), mb(peak.young)],
		externalMb: [mb(baseline.external), mb(peak.external)],
	};
	process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(`${error.stack ?? error}\n`);
		process.exit(1);
	},
);
