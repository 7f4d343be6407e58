import type { SshSession } from '../transport';
import { parseSshdT } from './facts';
import { keyValues } from './steps';

export interface Control {
	id: string;
	title: string;
	pass: boolean;
	actual: string;
}

const SCRIPT = `mkdir -p /run/sshd; sshd -T 2>/dev/null
echo '--- kv'
echo "cc=$(cat /proc/sys/net/ipv4/tcp_congestion_control)"
echo "fail2ban=$(systemctl is-active fail2ban 2>/dev/null)"
echo "periodic=$(apt-config dump 2>/dev/null | grep -c '^APT::Periodic::Unattended-Upgrade "1";')"
echo "uuInstalled=$(dpkg-query -W -f='\${Status}' unattended-upgrades 2>/dev/null)"
echo "worldWritable=$(find /etc/ssh -xdev -perm -o+w 2>/dev/null | tr '\\n' ' ')"
echo "sshdConfigMode=$(stat -c %a:%U /etc/ssh/sshd_config)"
echo '--- ufw'; ufw status verbose 2>/dev/null`;

/** The built-in controls (after dev-sec's ssh-baseline and the checklist in the docs), pass/fail each. */
export async function baselineCheck(session: SshSession): Promise<Control[]> {
	const out = (await session.run(SCRIPT)).stdout;
	const [sshdT, rest = ''] = out.split('--- kv\n');
	const [kvText, ufw = ''] = rest.split('--- ufw\n');
	const sshd = parseSshdT(sshdT);
	const kv = keyValues(kvText);
	const sshPort = sshd.port ?? '22';
	const control = (id: string, title: string, pass: boolean, actual: string): Control => ({
		id,
		title,
		pass,
		actual,
	});
	return [
		control(
			'sshd-01',
			'Root login without a password is impossible',
			['no', 'without-password', 'prohibit-password'].includes(sshd.permitrootlogin),
			sshd.permitrootlogin ?? '(unknown)',
		),
		control(
			'sshd-02',
			'Password authentication is off',
			sshd.passwordauthentication === 'no',
			sshd.passwordauthentication ?? '(unknown)',
		),
		control(
			'sshd-03',
			'Keyboard-interactive authentication is off',
			sshd.kbdinteractiveauthentication === 'no',
			sshd.kbdinteractiveauthentication ?? '(unknown)',
		),
		control(
			'sshd-04',
			'Empty passwords are refused',
			sshd.permitemptypasswords === 'no',
			sshd.permitemptypasswords ?? '(unknown)',
		),
		control(
			'sshd-05',
			'MaxAuthTries is 4 or less',
			Number(sshd.maxauthtries) <= 4,
			sshd.maxauthtries ?? '(unknown)',
		),
		control(
			'sshd-06',
			'X11 forwarding is off',
			sshd.x11forwarding === 'no',
			sshd.x11forwarding ?? '(unknown)',
		),
		control(
			'sshd-07',
			'Nothing in /etc/ssh is world-writable',
			kv.worldWritable === '',
			kv.worldWritable || 'none',
		),
		control(
			'sshd-08',
			'sshd_config belongs to root and is not writable by others',
			/^6[04][04]:root$/.test(kv.sshdConfigMode ?? ''),
			kv.sshdConfigMode ?? '(unknown)',
		),
		control('net-01', 'TCP BBR is the congestion control', kv.cc === 'bbr', kv.cc ?? '(unknown)'),
		control(
			'fw-01',
			'The firewall is active',
			/^Status: active/m.test(ufw),
			/^Status: (\w+)/m.exec(ufw)?.[1] ?? 'not installed',
		),
		control(
			'fw-02',
			'Incoming traffic is denied by default',
			/Default: (deny|reject) \(incoming\)/.test(ufw),
			/^Default: (.*)$/m.exec(ufw)?.[1] ?? '(unknown)',
		),
		control(
			'fw-03',
			'The SSH port is allowed in',
			new RegExp(`^${sshPort}(/tcp)?\\s+(ALLOW|LIMIT)`, 'm').test(ufw),
			`port ${sshPort}`,
		),
		control('f2b-01', 'fail2ban is active', kv.fail2ban === 'active', kv.fail2ban || 'inactive'),
		control(
			'upd-01',
			'Unattended upgrades are installed and switched on',
			kv.uuInstalled === 'install ok installed' && kv.periodic === '1',
			`${kv.uuInstalled || 'not installed'}, periodic=${kv.periodic}`,
		),
	];
}
