import {
	credentialSecrets,
	errorCodeOf,
	redactDeep,
	redactError,
	redactText,
	safeUrl,
	scrubSecrets,
	secretParameterValues,
} from '../../lib/redact';

describe('safeUrl', () => {
	it.each([
		['http://user:pw-1234@127.0.0.1:2019', 'http://127.0.0.1:2019'],
		['https://TOKEN1234@api.example.com/v2', 'https://api.example.com/v2'],
		['http://u:p@h:1/x?token=abc&page=2#frag', 'http://h:1/x?token=***&page=***'],
		['https://api.vultr.com/v2', 'https://api.vultr.com/v2'],
		['/zones/abc?name=x&flag', '/zones/abc?name=***&***'],
		['http://host/users/@me', 'http://host/users/@me'],
	])('%s → %s', (url, shown) => {
		expect(safeUrl(url)).toBe(shown);
	});
});

describe('credentialSecrets', () => {
	it('takes secret fields, multi-line key lines, and the userinfo and query values of URLs', () => {
		const secrets = credentialSecrets({
			baseUrl: 'http://user:p%40ss-word@127.0.0.1:8080?token=q-token-1',
			apiKey: 'api-key-value',
			headerName: 'Authorization',
			host: 'localhost',
			privateKey: '-----BEGIN KEY-----\nAAAABBBBCCCCDDDDEEEE\n-----END KEY-----',
			tailnet: '-',
			port: 5432,
		});
		expect(secrets).toEqual(
			expect.arrayContaining([
				'p%40ss-word',
				'p@ss-word',
				Buffer.from('user:p@ss-word').toString('base64'),
				'q-token-1',
				'api-key-value',
				'AAAABBBBCCCCDDDDEEEE',
			]),
		);
		expect(secrets).not.toContain('user');
		expect(secrets).not.toContain('Authorization');
		expect(secrets).not.toContain('localhost');
	});

	it('takes the user part when a URL has no password (a token as user)', () => {
		expect(credentialSecrets({ serverUrl: 'https://tok-12345@hs.example.com' })).toContain(
			'tok-12345',
		);
	});

	it('ignores values too short to take out of a text', () => {
		expect(credentialSecrets({ apiKey: 'abc' })).toEqual([]);
	});
});

describe('redactText', () => {
	it('removes known secrets, also URL- and JSON-escaped, longest first', () => {
		const secret = 'se"cr/et value';
		const text = `a ${secret} b ${encodeURIComponent(secret)} c ${JSON.stringify(secret)}`;
		expect(scrubSecrets(text, [secret, 'cr/e'])).toBe('a *** b *** c "***"');
	});

	it('cleans URLs and Authorization tokens found in a text', () => {
		const echoed =
			'GET http://u:pw@10.0.0.1:8080/x?key=k1 headers={"authorization":"Bearer abc123def456"} Basic dXNlcjpwdzEyMw==';
		expect(redactText(echoed)).toBe(
			'GET http://10.0.0.1:8080/x?key=*** headers={"authorization":"Bearer ***"} Basic ***',
		);
	});

	it('leaves ordinary prose alone', () => {
		const prose =
			'Basic authentication failed: see https://caddyserver.com/docs/api (bearer token)';
		expect(redactText(prose)).toBe(prose);
	});
});

describe('redactDeep and redactError', () => {
	it('cleans every string of a nested value and projects errors to name and message', () => {
		const cause = Object.assign(new Error('failed for s3cret-x'), { config: { auth: 's3cret-x' } });
		expect(redactDeep({ list: ['s3cret-x'], cause, n: 1 }, ['s3cret-x'])).toEqual({
			list: ['***'],
			cause: { name: 'Error', message: 'failed for ***' },
			n: 1,
		});
	});

	it('cleans message, stack, description, messages, error response, context and cause in place', () => {
		const error = Object.assign(
			new Error('at http://u:s3cret-x@h', { cause: new Error('s3cret-x') }),
			{
				description: 's3cret-x',
				messages: ['s3cret-x'],
				errorResponse: { error: 's3cret-x' },
				context: { data: { token: 's3cret-x' } },
			},
		);
		const cleaned = redactError(error, ['s3cret-x']);
		expect(cleaned).toBe(error);
		expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(
			's3cret-x',
		);
		expect(error.message).toBe('at http://h');
		expect(error.cause).toEqual({ name: 'Error', message: '***' });
		expect(Object.keys(error)).not.toContain('cause');
	});
});

describe('errorCodeOf', () => {
	it('takes the code of the error or of its cause, never a message', () => {
		expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(
			'ECONNREFUSED',
		);
		expect(errorCodeOf(new Error('x', { cause: { code: 'ECONNRESET' } }))).toBe('ECONNRESET');
		expect(errorCodeOf({ code: 'failed at http://u:p@h' })).toBeUndefined();
		expect(errorCodeOf(undefined)).toBeUndefined();
	});
});

describe('secretParameterValues', () => {
	it('finds passwords typed into a node, in collections and in JSON text, not expressions', () => {
		expect(
			secretParameterValues({
				routeOptions: { basicAuthUser: 'family', basicAuthPassword: 'typed-in-1' },
				routesJson: JSON.stringify([{ hosts: 'a.example.com', basicAuthPassword: 'in-json-2' }]),
				other: { basicAuthPassword: '={{ $json.body.basicAuthPassword }}' },
				notJson: '[not json',
			}),
		).toEqual(['typed-in-1', 'in-json-2']);
	});
});
