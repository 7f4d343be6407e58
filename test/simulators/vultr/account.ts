import type { Simulator } from '../core/server';

export function registerAccount(sim: Simulator): void {
	sim.route('GET', '/account', () => ({
		status: 200,
		body: {
			account: {
				name: 'Homelab Simulator',
				email: 'sim@example.com',
				acls: ['manage_users', 'subscriptions', 'billing', 'firewall'],
				balance: -5.5,
				pending_charges: 0.12,
				last_payment_date: '2026-01-01T00:00:00+00:00',
				last_payment_amount: -10,
			},
		},
	}));
}
