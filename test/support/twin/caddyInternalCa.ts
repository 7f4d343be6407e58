/**
 * Certificates for a twin's Caddy without ACME: its Caddyfile turns on `local_certs` (Caddy's internal CA
 * issues every site's certificate), and the CA's root and intermediate are made here first and placed in
 * Caddy's storage, so a test knows the root to trust before Caddy ever runs. Production uses ACME.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CA_DIR = 'var/lib/caddy/.local/share/caddy/pki/authorities/local';

const MAKE_CA = `set -e
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout root.key -out root.crt \\
	-days 30 -subj '/CN=homelab lab twin root' -addext basicConstraints=critical,CA:TRUE \\
	-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout intermediate.key \\
	-out intermediate.csr -subj '/CN=homelab lab twin intermediate' 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\\nkeyUsage=critical,keyCertSign,cRLSign\\n' > ext.cnf
openssl x509 -req -in intermediate.csr -CA root.crt -CAkey root.key -CAcreateserial -days 7 \\
	-extfile ext.cnf -out intermediate.crt 2>/dev/null`;

const CADDYFILE = `{
	local_certs
	skip_install_trust
}

:80 {
	respond "lab twin"
}
`;

export interface LabCa {
	/** The root certificate (PEM) every lab certificate chains to: what a test trusts. */
	rootPem: string;
	files: Record<string, Buffer>;
}

/** A root and an intermediate in the layout of Caddy's `local` CA, made with the openssl CLI. */
export function makeLabCa(): LabCa {
	const work = mkdtempSync(join(tmpdir(), 'hli-caddy-ca-'));
	try {
		execFileSync('bash', ['-c', MAKE_CA], { cwd: work, stdio: 'pipe', timeout: 30_000 });
		const files = Object.fromEntries(
			['root.crt', 'root.key', 'intermediate.crt', 'intermediate.key'].map((file) => [
				file,
				readFileSync(join(work, file)),
			]),
		);
		return { rootPem: files['root.crt'].toString('utf8'), files };
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

/** Puts the CA into the rootfs's Caddy storage and a Caddyfile that issues from it. */
export function installLabCa(rootfs: string, ca: LabCa): void {
	const target = join(rootfs, CA_DIR);
	mkdirSync(target, { recursive: true });
	for (const [file, content] of Object.entries(ca.files))
		writeFileSync(join(target, file), content, { mode: file.endsWith('.key') ? 0o600 : 0o644 });
	writeFileSync(join(rootfs, 'etc/caddy/Caddyfile'), CADDYFILE);
	const owned = spawnSync('chroot', [rootfs, 'chown', '-R', 'caddy:caddy', '/var/lib/caddy'], {
		encoding: 'utf8',
	});
	if (owned.status !== 0) throw new Error(`chown of Caddy's storage failed: ${owned.stderr}`);
}
