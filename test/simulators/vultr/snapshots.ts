import { SimError, type Simulator } from '../core/server';
import { jsonBody, newId, paginate, vultrDate, type VultrState } from './state';

export function registerSnapshots(sim: Simulator, state: VultrState, snapshotMs: number): void {
	const view = (id: string): Record<string, unknown> => {
		const record = state.snapshots.get(id)!;
		const complete = state.clock.now() >= record.readyAt;
		return {
			...record.snapshot,
			status: complete ? 'complete' : 'pending',
			size: complete ? 1024 ** 3 : 0,
			compressed_size: complete ? 512 * 1024 ** 2 : 0,
		};
	};
	sim.route('GET', '/snapshots', (req) => {
		const description = req.query.get('description');
		const all = [...state.snapshots.keys()]
			.map(view)
			.filter((s) => !description || s.description === description);
		return { status: 200, body: paginate(all, req, 'snapshots', state.maxPerPage) };
	});
	sim.route('POST', '/snapshots', (req) => {
		const body = jsonBody(req);
		const instance = state.instances.get(String(body.instance_id ?? ''));
		if (!instance) throw new SimError(400, 'Invalid instance-id.');
		const now = state.clock.now();
		const snapshot = {
			id: newId(),
			date_created: vultrDate(now),
			description: String(body.description ?? ''),
			os_id: Number(instance.fields.os_id),
			app_id: 0,
		};
		state.snapshots.set(snapshot.id, { snapshot, readyAt: now + snapshotMs });
		return { status: 201, body: { snapshot: view(snapshot.id) } };
	});
	sim.route('GET', '/snapshots/{snapshot-id}', (req) => {
		if (!state.snapshots.has(req.params['snapshot-id']))
			throw new SimError(404, 'Invalid snapshot.');
		return { status: 200, body: { snapshot: view(req.params['snapshot-id']) } };
	});
	sim.route('DELETE', '/snapshots/{snapshot-id}', (req) => {
		if (!state.snapshots.delete(req.params['snapshot-id']))
			throw new SimError(404, 'Invalid snapshot.');
		return { status: 204 };
	});
}
