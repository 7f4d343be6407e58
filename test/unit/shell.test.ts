/** lib/shell.ts: quoting proven by a real POSIX shell, and the validators that guard remote commands. */
import { execFileSync } from 'node:child_process';

import { formatCidr, parseCidr } from '../../lib/net';
import {
	commandLine,
	exportLines,
	parseAbsolutePath,
	parseEnvName,
	parseUsername,
	quote,
} from '../../lib/shell';
import { InputError } from '../../lib/validation';

/** What `sh -c 'printf %s <quoted>'` prints: the value must come back byte for byte. */
const throughShell = (script: string) => execFileSync('sh', ['-c', script], { encoding: 'utf8' });

describe('quote', () => {
	it.each([
		'plain',
		'',
		"it's",
		"''",
		'$(touch /tmp/hli-unit-injected)',
		'`id`',
		'a; b && c || d | e > f < g',
		'line\nbreak\ttab',
		'$HOME ${PATH} $1 $@ \\ " ! * ? ~ # %',
		'ünïcödé ✓',
		'-n',
	])('round-trips %j through sh -c printf', (value) => {
		expect(throughShell(`printf %s ${quote(value)}`)).toBe(value);
	});

	it('quotes numbers and refuses NUL, which no shell argument can carry', () => {
		expect(throughShell(`printf %s ${quote(22)}`)).toBe('22');
		expect(() => quote('a\0b')).toThrow(InputError);
	});

	it('keeps every argv word separate in a command line', () => {
		const words = ['one two', "three'four", '$five', ''];
		const script = `for w in ${commandLine(words)}; do printf '[%s]' "$w"; done`;
		expect(throughShell(script)).toBe("[one two][three'four][$five][]");
	});

	it('exports environment values verbatim, and refuses bad variable names', () => {
		const script = `${exportLines({ A: 'x; echo hacked', B: "it's $(id)" })}printf '%s|%s' "$A" "$B"`;
		expect(throughShell(script)).toBe("x; echo hacked|it's $(id)");
		expect(() => exportLines({ 'A;B': 'x' })).toThrow(/Environment/);
	});
});

describe('validators', () => {
	it.each(['root', 'opsadmin', '_svc', 'a-b_c1'])('accepts the user name %j', (name) => {
		expect(parseUsername('User', ` ${name} `)).toBe(name);
	});

	it.each(['Root', '1abc', '-x', 'a b', 'x;id', '$(id)', 'a'.repeat(33), ''])(
		'refuses the user name %j naming the field',
		(name) => {
			expect(() => parseUsername('Admin Username', name)).toThrow(/^Invalid Admin Username/);
		},
	);

	it('takes absolute paths without .. segments or control characters, trailing slashes trimmed', () => {
		expect(parseAbsolutePath('Path', '/etc/caddy/')).toBe('/etc/caddy');
		expect(parseAbsolutePath('Path', '/')).toBe('/');
		expect(parseAbsolutePath('Path', '/opt/x; y')).toBe('/opt/x; y');
		for (const bad of ['etc/caddy', '/etc/../root', '/a\nb', ''])
			expect(() => parseAbsolutePath('Path', bad)).toThrow(/^Invalid Path/);
	});

	it('parses CIDRs and bare addresses; refuses wrong prefixes and non-addresses', () => {
		expect(formatCidr(parseCidr('C', '100.64.0.0/10'))).toBe('100.64.0.0/10');
		expect(parseCidr('C', '203.0.113.7')).toEqual({
			address: '203.0.113.7',
			prefix: 32,
			version: 4,
		});
		expect(parseCidr('C', 'FD7A:115C::/48')).toEqual({
			address: 'fd7a:115c::',
			prefix: 48,
			version: 6,
		});
		for (const bad of [
			'10.0.0.0/33',
			'::/129',
			'10.0.0.0/x',
			'10.0.0.0/8/8',
			'example.com',
			'$(id)/8',
			'',
		]) {
			expect(() => parseCidr('SSH Allowed From', bad)).toThrow(/^Invalid SSH Allowed From/);
		}
	});

	it('accepts POSIX variable names only', () => {
		expect(parseEnvName('Env', 'PATH_2')).toBe('PATH_2');
		for (const bad of ['2X', 'A-B', 'A B', ''])
			expect(() => parseEnvName('Env', bad)).toThrow(/^Invalid Env/);
	});
});
