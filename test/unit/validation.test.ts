import { classifyAddress } from '../../lib/net';
import {
	formatHostPort,
	hostMatchesPattern,
	InputError,
	parseHostname,
	parseHostPort,
	parsePort,
	toList,
} from '../../lib/validation';

describe('parseHostname (RFC 1123)', () => {
	it.each([
		['App.Example.COM', 'app.example.com'],
		['example.com.', 'example.com'],
		['a-b.c1.example', 'a-b.c1.example'],
		['*.example.com', '*.example.com'],
		[`${'a'.repeat(63)}.example.com`, `${'a'.repeat(63)}.example.com`],
	])('accepts %s', (input, expected) => {
		expect(parseHostname('Host', input)).toBe(expected);
	});

	it.each([
		['', 'required'],
		['-app.example.com', 'not a valid host name'],
		['app-.example.com', 'not a valid host name'],
		['app_1.example.com', 'not a valid host name'],
		['a..b', 'not a valid host name'],
		[`${'a'.repeat(64)}.example.com`, 'not a valid host name'],
		[`${'a.'.repeat(127)}com`, 'longer than 253'],
		['app.*.example.com', 'whole leftmost label'],
		['*app.example.com', 'whole leftmost label'],
		['*', 'whole leftmost label'],
		['ex ample.com', 'not a valid host name'],
		['evil.com\r\nHost: x', 'control characters'],
	])('refuses %j', (input, message) => {
		expect(() => parseHostname('Host', input)).toThrow(message);
	});

	it('refuses a wildcard where it is not allowed, naming the field', () => {
		expect(() => parseHostname('TLS Server Name', '*.example.com', false)).toThrow(
			new InputError('TLS Server Name', '"*.example.com": a wildcard is not allowed here'),
		);
	});
});

describe('parseHostPort and parsePort', () => {
	it.each([
		['100.64.0.5:8080', { host: '100.64.0.5', port: 8080, ipVersion: 4 }],
		['[fd7a:115c:a1e0::1]:443', { host: 'fd7a:115c:a1e0::1', port: 443, ipVersion: 6 }],
		['Home.Lan:80', { host: 'home.lan', port: 80, ipVersion: 0 }],
	])('parses %s', (input, expected) => {
		expect(parseHostPort('Upstreams', input)).toEqual(expected);
	});

	it.each([
		'home.lan',
		':80',
		'a:b:c',
		'host:0',
		'host:65536',
		'host:8o',
		'https://host:443',
		'[notv6]:80',
		'a b:80',
	])('refuses %j', (input) => {
		expect(() => parseHostPort('Upstreams', input)).toThrow(/^Invalid Upstreams: /);
	});

	it('formats IPv6 with brackets', () => {
		expect(formatHostPort({ host: '::1', port: 80 })).toBe('[::1]:80');
		expect(formatHostPort({ host: '10.0.0.1', port: 80 })).toBe('10.0.0.1:80');
	});

	it('bounds ports', () => {
		expect(parsePort('Port', '65535')).toBe(65535);
		expect(() => parsePort('Port', '0')).toThrow('outside 1-65535');
	});
});

describe('lists and patterns', () => {
	it('splits on commas, spaces and newlines', () => {
		expect(toList(' a.com, b.com\nc.com  d.com,,')).toEqual(['a.com', 'b.com', 'c.com', 'd.com']);
		expect(toList(['x', ' y '])).toEqual(['x', 'y']);
		expect(toList(undefined)).toEqual([]);
	});

	it('matches exact names and *.zone patterns', () => {
		expect(hostMatchesPattern('media.example.com', 'Media.Example.com')).toBe(true);
		expect(hostMatchesPattern('tv.direct.example.com', '*.direct.example.com')).toBe(true);
		expect(hostMatchesPattern('direct.example.com', '*.direct.example.com')).toBe(false);
		expect(hostMatchesPattern('notdirect.example.com', '*.direct.example.com')).toBe(false);
	});
});

describe('classifyAddress', () => {
	it.each([
		['169.254.169.254', 'link-local'],
		['fe80::1', 'link-local'],
		['fd00:ec2::254', 'link-local'],
		['127.0.0.1', 'loopback'],
		['127.8.9.10', 'loopback'],
		['::1', 'loopback'],
		['::ffff:127.0.0.1', 'loopback'],
		['::ffff:169.254.1.1', 'link-local'],
		['0.0.0.0', 'unspecified'],
		['::', 'unspecified'],
		['100.64.0.5', 'other'],
		['192.0.2.10', 'other'],
	])('%s is %s', (address, expected) => {
		expect(classifyAddress(address)).toBe(expected);
	});
});
