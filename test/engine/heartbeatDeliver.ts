/** A deliverer for tests that drive the drainer directly: fetch to the loopback home, failures as ConnectionFailure. */
import { ConnectionFailure, type Deliver } from '../../nodes/Heartbeat/helpers/drainer';

export const fetchDeliverer =
	(signal?: AbortSignal): Deliver =>
	async (baseUrl, item) => {
		try {
			const response = await fetch(`${baseUrl}${item.path}`, {
				method: item.method,
				headers: { ...item.headers, 'Idempotency-Key': item.idempotencyKey },
				body: item.body,
				signal,
			});
			return {
				status: response.status,
				headers: {},
				body: Buffer.from(await response.arrayBuffer()),
			};
		} catch (error) {
			throw new ConnectionFailure(String(error));
		}
	};
