import { commandLine } from '../../../lib/shell';
import { parseAclTags } from '../../../lib/tailnet-api';
import { InputError, assertNoControlChars } from '../../../lib/validation';
import type { AptRepository } from './aptRepository';
import { quoted } from '../../../lib/errors';

export const TAILSCALE_REPOSITORY: AptRepository = {
	name: 'tailscale',
	keyUrl: 'https://pkgs.tailscale.com/stable/$DISTRO/$CODENAME.noarmor.gpg',
	armored: false,
	source: 'https://pkgs.tailscale.com/stable/$DISTRO $CODENAME main',
};

const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export interface TailscaleJoin {
	hostname: string;
	tags: string[];
	ssh: boolean;
	loginServer: string;
	acceptRoutes: boolean;
}

/** A control server URL: http(s), a host, an optional port and a plain path; nothing a shell would notice. */
export function parseLoginServer(field: string, raw: string): string {
	const text = assertNoControlChars(field, String(raw ?? '').trim());
	if (!text) return '';
	if (!URL.canParse(text)) throw new InputError(field, `${quoted(text)} is not a URL`);
	const url = new URL(text);
	if (!/^https?:$/.test(url.protocol))
		throw new InputError(field, `${quoted(text)} must start with https:// or http://`);
	if (url.username || url.password || url.search || url.hash)
		throw new InputError(
			field,
			`${quoted(text)} must not carry credentials, a query or a fragment`,
		);
	if (!/^[A-Za-z0-9._~/-]*$/.test(url.pathname))
		throw new InputError(field, `${quoted(text)} has characters that are not allowed in its path`);
	return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

export function parseTailscaleJoin(raw: {
	hostname?: string;
	tags?: string;
	ssh?: boolean;
	loginServer?: string;
	acceptRoutes?: boolean;
}): TailscaleJoin {
	const hostname = String(raw.hostname ?? '').trim();
	if (hostname && !DNS_LABEL.test(hostname)) {
		throw new InputError(
			'Hostname',
			`${quoted(hostname)} must be a single DNS label (1-63 letters, digits or inner hyphens)`,
		);
	}
	return {
		hostname,
		tags: parseAclTags('Tags', raw.tags ?? ''),
		ssh: raw.ssh === true,
		loginServer: parseLoginServer('Login Server', raw.loginServer ?? ''),
		acceptRoutes: raw.acceptRoutes === true,
	};
}

/**
 * `tailscale up` with every setting given (`--reset`, so a re-join does not inherit old flags).
 * The auth key is read by tailscale from a root-only file (`file:` form): it is on no command line.
 */
export function tailscaleUpCommand(join: TailscaleJoin, keyFileVariable: string): string {
	const argv = [
		'tailscale',
		'up',
		'--reset',
		'--timeout=120s',
		`--ssh=${join.ssh}`,
		`--accept-routes=${join.acceptRoutes}`,
	];
	if (join.hostname) argv.push(`--hostname=${join.hostname}`);
	if (join.tags.length) argv.push(`--advertise-tags=${join.tags.join(',')}`);
	if (join.loginServer) argv.push(`--login-server=${join.loginServer}`);
	return `${commandLine(argv)} "--auth-key=file:$${keyFileVariable}"`;
}

/** Backend state and tunnel addresses from one probe's `key=value` output. */
export const TAILSCALE_PROBE = `if command -v tailscale >/dev/null; then echo installed=1; else echo installed=0; exit 0; fi
if systemctl cat tailscaled.service >/dev/null 2>&1; then echo daemon=1; else echo daemon=0; fi
echo "state=$(tailscale status --json 2>/dev/null | grep -o '"BackendState": *"[A-Za-z]*"' | head -n1 | sed 's/.*"\\([A-Za-z]*\\)"$/\\1/')"
echo "ipv4=$(tailscale ip -4 2>/dev/null | head -n1)"
echo "ipv6=$(tailscale ip -6 2>/dev/null | head -n1)"`;
