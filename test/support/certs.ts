import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
	caPem: string;
	key: string;
	cert: string;
}

/** A throw-away CA and a server certificate for `serverName`, made with the openssl CLI. */
export function makeTestPki(serverName: string): TestPki {
	const dir = mkdtempSync(join(tmpdir(), 'hli-pki-'));
	const run = (args: string[]) =>
		execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 30_000 });
	try {
		run([
			'req',
			'-x509',
			'-newkey',
			'ec',
			'-pkeyopt',
			'ec_paramgen_curve:prime256v1',
			'-nodes',
			'-keyout',
			'ca.key',
			'-out',
			'ca.pem',
			'-days',
			'2',
			'-subj',
			'/CN=homelab test CA',
		]);
		run([
			'req',
			'-newkey',
			'ec',
			'-pkeyopt',
			'ec_paramgen_curve:prime256v1',
			'-nodes',
			'-keyout',
			'server.key',
			'-out',
			'server.csr',
			'-subj',
			`/CN=${serverName}`,
		]);
		writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=DNS:${serverName}\n`);
		run([
			'x509',
			'-req',
			'-in',
			'server.csr',
			'-CA',
			'ca.pem',
			'-CAkey',
			'ca.key',
			'-CAcreateserial',
			'-out',
			'server.pem',
			'-days',
			'2',
			'-extfile',
			'ext.cnf',
		]);
		return {
			caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
			key: readFileSync(join(dir, 'server.key'), 'utf8'),
			cert: readFileSync(join(dir, 'server.pem'), 'utf8'),
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
