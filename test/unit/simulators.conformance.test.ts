import { ConformanceChecker } from '../simulators/core/conformance';
import { describeWithSpecs } from '../simulators/core/jest';

describeWithSpecs(
	['vultr-v2.openapi.json', 'headscale-v1.swagger.json', 'tailscale-api-v2.openapi.yaml'],
	'conformance checker',
	() => {
		const vultr = new ConformanceChecker('vultr-v2.openapi.json', { globalStatuses: [429] });
		const base = {
			query: new URLSearchParams(),
			status: 202,
			responseBody: { instance: { id: 'x', os_id: 1 } },
		};

		it('accepts a request and response that follow the Vultr spec', () => {
			expect(
				vultr.check({
					...base,
					method: 'POST',
					path: '/instances',
					requestBody: { region: 'ewr', plan: 'vc2-1c-1gb', os_id: 2284 },
				}),
			).toEqual([]);
		});

		it('flags os_id sent as a string (the @vultr/vultr-node defect), unknown paths, query and statuses', () => {
			expect(
				vultr.check({
					...base,
					method: 'POST',
					path: '/instances',
					requestBody: { region: 'ewr', plan: 'p', os_id: '2284' },
				})[0],
			).toMatch(/os_id.*must be integer/);
			expect(
				vultr.check({ ...base, method: 'GET', path: '/firewalls/%7Bfirewall-group-id%7D/nope' })[0],
			).toContain('no such operation');
			expect(
				vultr.check({
					...base,
					method: 'GET',
					path: '/instances',
					query: new URLSearchParams('colour=red'),
					status: 200,
					responseBody: {},
				})[0],
			).toContain('query parameter "colour" is not declared');
			expect(
				vultr.check({
					...base,
					method: 'GET',
					path: '/instances',
					status: 418,
					responseBody: {},
				})[0],
			).toContain('status 418 is not declared');
			expect(
				vultr.check({
					...base,
					method: 'GET',
					path: '/instances',
					status: 200,
					responseBody: { instances: 'none' },
				})[0],
			).toContain('must be array');
		});

		it('reads Swagger 2.0 (Headscale) and OpenAPI 3.1 YAML (Tailscale)', () => {
			const headscale = new ConformanceChecker('headscale-v1.swagger.json');
			expect(
				headscale.check({
					method: 'POST',
					path: '/api/v1/preauthkey',
					query: new URLSearchParams(),
					requestBody: { user: '1', reusable: 'yes' },
					status: 200,
					responseBody: {},
				})[0],
			).toContain('reusable');
			const tailscale = new ConformanceChecker('tailscale-api-v2.openapi.yaml');
			expect(
				tailscale.check({
					method: 'POST',
					path: '/tailnet/-/keys',
					query: new URLSearchParams(),
					requestBody: {},
					status: 200,
					responseBody: {},
				})[0],
			).toContain('capabilities');
		});
	},
);
