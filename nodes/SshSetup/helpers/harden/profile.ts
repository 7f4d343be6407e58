import type { Cidr } from '../../../../lib/net';

export type StepName =
	'updates' | 'adminUser' | 'sshd' | 'sysctl' | 'firewall' | 'fail2ban' | 'unattendedUpgrades';

/** Run order: the admin user exists before sshd may restrict logins; the firewall follows sshd. */
export const STEP_ORDER: StepName[] = [
	'updates',
	'adminUser',
	'sshd',
	'sysctl',
	'firewall',
	'fail2ban',
	'unattendedUpgrades',
];

export interface PortRule {
	port: number;
	protocol: 'tcp' | 'udp' | 'any';
}

/** A Harden profile, fully validated before anything is sent to the server. */
export interface HardenProfile {
	steps: Record<StepName, boolean>;
	refreshPackageLists: boolean;
	admin: { username: string; authorizedKeys: string[]; passwordlessSudo: boolean };
	sshd: {
		permitRootLogin: 'prohibit-password' | 'no';
		maxAuthTries: number;
		allowUsers: string[];
		extraDirectives: string[];
	};
	sysctl: { forwarding: boolean };
	firewall: { sshFrom?: Cidr; allow: PortRule[] };
	fail2ban: { banTime: string; findTime: string; maxRetry: number; ignoreIps: Cidr[] };
	upgrades: { reboot: boolean; rebootTime: string };
}
