import { carriesTunnelKey, TUNNEL_KEY_HEADER } from '../../lib/ssh-tunnel';

const KEY = 'k3y-0f-the-tunnel';
const head = (...lines: string[]) =>
	['GET /config/ HTTP/1.1', 'Host: localhost:2019', ...lines].join('\r\n');

describe('the tunnel key gate', () => {
	it('admits a request whose head carries the key header with exactly the key', () => {
		expect(carriesTunnelKey(head(`${TUNNEL_KEY_HEADER}: ${KEY}`), KEY)).toBe(true);
		expect(carriesTunnelKey(head(`${TUNNEL_KEY_HEADER.toLowerCase()}:${KEY}`), KEY)).toBe(true);
	});

	it.each([
		['no key header', head('Origin: http://localhost:2019')],
		['another key', head(`${TUNNEL_KEY_HEADER}: not-the-key`)],
		['the key as a prefix', head(`${TUNNEL_KEY_HEADER}: ${KEY}x`)],
		['the key in another header', head(`X-Other: ${KEY}`)],
		['the header in the request line', `GET /${TUNNEL_KEY_HEADER}:${KEY} HTTP/1.1\r\nHost: x`],
	])('refuses %s', (_case, text) => {
		expect(carriesTunnelKey(text, KEY)).toBe(false);
	});
});
