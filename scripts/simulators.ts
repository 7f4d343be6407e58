/**
 * Starts the Vultr, Tailscale and Headscale simulators on loopback and prints their URLs and the
 * credentials to enter in n8n. Stop with Ctrl-C.
 * Run: npx ts-node --transpile-only scripts/simulators.ts [--boot-seconds 90] [--headscale 0.29]
 */
import {
	createHeadscaleSimulator,
	HEADSCALE_API_KEY,
	type HeadscaleVersion,
} from '../test/simulators/headscale';
import {
	createTailscaleSimulator,
	TAILSCALE_API_TOKEN,
	TAILSCALE_OAUTH,
} from '../test/simulators/tailscale';
import { createVultrSimulator, VULTR_API_KEY } from '../test/simulators/vultr';

function option(name: string, fallback: string): string {
	const index = process.argv.indexOf(`--${name}`);
	return index > 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

async function main(): Promise<void> {
	const port = (name: string) => Number(option(`${name}-port`, '0'));
	const vultr = createVultrSimulator({ bootMs: Number(option('boot-seconds', '90')) * 1000 });
	const tailscale = createTailscaleSimulator();
	const headscale = createHeadscaleSimulator({
		version: option('headscale', '0.29') as HeadscaleVersion,
	});
	const urls = [
		await vultr.listen(port('vultr')),
		await tailscale.listen(port('tailscale')),
		await headscale.listen(port('headscale')),
	];
	const lines = [
		`Vultr      ${urls[0]}   credential "Vultr API": API key ${VULTR_API_KEY}, base URL as shown`,
		`Tailscale  ${urls[1]}   credential "Tailscale API": OAuth client ${TAILSCALE_OAUTH.clientId} / ${TAILSCALE_OAUTH.clientSecret} (tags ${TAILSCALE_OAUTH.tags.join(' ')}) or API token ${TAILSCALE_API_TOKEN}`,
		`Headscale  ${urls[2]}   credential "Headscale API": server URL as shown, API key ${HEADSCALE_API_KEY} (v${headscale.version})`,
		'Simulated accounts only: no real service is contacted. Ctrl-C stops them.',
	];
	process.stdout.write(`${lines.join('\n')}\n`);
	const stop = async () => {
		await Promise.all([vultr.close(), tailscale.close(), headscale.close()]);
		process.exit(0);
	};
	process.once('SIGINT', () => void stop());
	process.once('SIGTERM', () => void stop());
}

void main();
