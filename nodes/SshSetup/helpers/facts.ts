import type { IDataObject } from 'n8n-workflow';

import type { SshSession } from '../transport';
import { keyValues } from './steps';

/** One round trip: sections separated by `--- name` lines, key=value inside the simple ones. */
const FACTS_SCRIPT = `. /etc/os-release 2>/dev/null
echo "os=$PRETTY_NAME"; echo "osId=$ID"; echo "osVersion=$VERSION_ID"
echo "kernel=$(uname -r)"; echo "arch=$(uname -m)"
awk '/MemTotal/{print "memTotalKb="$2} /MemAvailable/{print "memAvailableKb="$2}' /proc/meminfo
df -Pk / | awk 'NR==2{print "diskTotalKb="$2; print "diskAvailableKb="$4}'
echo "congestionControl=$(cat /proc/sys/net/ipv4/tcp_congestion_control)"
echo "defaultQdisc=$(cat /proc/sys/net/core/default_qdisc 2>/dev/null)"
echo "sshSocket=$(systemctl is-active ssh.socket 2>/dev/null)"
echo "fail2ban=$(systemctl is-active fail2ban 2>/dev/null)"
echo "tailscaleInstalled=$(command -v tailscale >/dev/null && echo yes || echo no)"
echo '--- ufw'; ufw status verbose 2>/dev/null
echo '--- sshd'; mkdir -p /run/sshd; sshd -T 2>/dev/null
echo '--- tailscale'; command -v tailscale >/dev/null && tailscale status --json 2>/dev/null
echo '--- listening'; ss -Htlnup 2>/dev/null
echo '--- end'`;

function sections(text: string): Record<string, string> {
	const result: Record<string, string> = {};
	let name = 'main';
	for (const line of text.split('\n')) {
		const header = /^--- (\w+)$/.exec(line);
		if (header) name = header[1];
		else result[name] = (result[name] ?? '') + line + '\n';
	}
	return result;
}

const SSHD_KEYS = [
	'port',
	'permitrootlogin',
	'passwordauthentication',
	'kbdinteractiveauthentication',
	'pubkeyauthentication',
	'permitemptypasswords',
	'maxauthtries',
	'x11forwarding',
	'allowusers',
];

export function parseSshdT(text: string): Record<string, string> {
	const result: Record<string, string> = {};
	for (const line of text.split('\n')) {
		const [key, ...value] = line.trim().split(/\s+/);
		if (key && !(key in result)) result[key.toLowerCase()] = value.join(' ');
	}
	return result;
}

export async function gatherFacts(session: SshSession): Promise<IDataObject> {
	const output = sections((await session.run(FACTS_SCRIPT)).stdout);
	const main = keyValues(output.main ?? '');
	const sshdAll = parseSshdT(output.sshd ?? '');
	const ufw = output.ufw ?? '';
	let tailscale: IDataObject | undefined;
	try {
		tailscale = output.tailscale?.trim()
			? (JSON.parse(output.tailscale) as IDataObject)
			: undefined;
	} catch {
		tailscale = { raw: output.tailscale.trim().slice(0, 2000) };
	}
	const number = (key: string) => (main[key] ? Number(main[key]) : undefined);
	return {
		os: {
			name: main.os,
			id: main.osId,
			version: main.osVersion,
			kernel: main.kernel,
			arch: main.arch,
		},
		memory: { totalKb: number('memTotalKb'), availableKb: number('memAvailableKb') },
		disk: { totalKb: number('diskTotalKb'), availableKb: number('diskAvailableKb') },
		bbr: {
			congestionControl: main.congestionControl,
			defaultQdisc: main.defaultQdisc || null,
			active: main.congestionControl === 'bbr',
		},
		firewall: {
			active: /^Status: active/m.test(ufw),
			defaults: /^Default: (.*)$/m.exec(ufw)?.[1] ?? null,
			rules: ufw
				.split('\n')
				.filter((line) => /\b(ALLOW|DENY|REJECT|LIMIT)\b/.test(line))
				.map((line) => line.trim()),
		},
		sshd: Object.fromEntries(SSHD_KEYS.map((key) => [key, sshdAll[key] ?? null])),
		sshSocketActivated: main.sshSocket === 'active',
		fail2ban: main.fail2ban,
		tailscale: main.tailscaleInstalled === 'yes' ? (tailscale ?? { installed: true }) : null,
		listening: (output.listening ?? '')
			.split('\n')
			.filter(Boolean)
			.map((line) => line.trim().replace(/\s+/g, ' ')),
	};
}
