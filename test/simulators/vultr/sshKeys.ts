import { SimError, type Simulator } from '../core/server';
import { jsonBody, newId, paginate, vultrDate, type VultrState } from './state';

const PUBLIC_KEY =
	/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,2}( .*)?$/;

export function registerSshKeys(sim: Simulator, state: VultrState): void {
	sim.route('GET', '/ssh-keys', (req) => ({
		status: 200,
		body: paginate([...state.sshKeys.values()], req, 'ssh_keys', state.maxPerPage),
	}));
	sim.route('POST', '/ssh-keys', (req) => {
		const body = jsonBody(req);
		if (!body.name) throw new SimError(400, 'Missing name.');
		if (!PUBLIC_KEY.test(String(body.ssh_key ?? ''))) throw new SimError(400, 'Invalid SSH key.');
		const key = {
			id: newId(),
			date_created: vultrDate(state.clock.now()),
			name: String(body.name),
			ssh_key: String(body.ssh_key),
		};
		state.sshKeys.set(key.id, key);
		return { status: 201, body: { ssh_key: key } };
	});
	sim.route('GET', '/ssh-keys/{ssh-key-id}', (req) => {
		const key = state.sshKeys.get(req.params['ssh-key-id']);
		if (!key) throw new SimError(404, 'Invalid ssh key.');
		return { status: 200, body: { ssh_key: key } };
	});
	sim.route('PATCH', '/ssh-keys/{ssh-key-id}', (req) => {
		const key = state.sshKeys.get(req.params['ssh-key-id']);
		if (!key) throw new SimError(404, 'Invalid ssh key.');
		const body = jsonBody(req);
		if (body.ssh_key !== undefined && !PUBLIC_KEY.test(String(body.ssh_key)))
			throw new SimError(400, 'Invalid SSH key.');
		Object.assign(
			key,
			body.name !== undefined ? { name: String(body.name) } : {},
			body.ssh_key !== undefined ? { ssh_key: String(body.ssh_key) } : {},
		);
		return { status: 204 };
	});
	sim.route('DELETE', '/ssh-keys/{ssh-key-id}', (req) => {
		if (!state.sshKeys.delete(req.params['ssh-key-id']))
			throw new SimError(404, 'Invalid ssh key.');
		return { status: 204 };
	});
}
