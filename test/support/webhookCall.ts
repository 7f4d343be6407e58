/** Calls a production webhook of a real n8n with a bearer token (the workflows' Header Auth credential). */
import { request as httpRequest } from 'node:http';

import type { IDataObject } from 'n8n-workflow';

export interface WebhookAnswer {
	status: number;
	/** The parsed JSON answer, or `{ text }` when it is not JSON. */
	json: IDataObject;
}

/**
 * One call on a connection of its own, so no call can be handed a pooled socket the server is closing.
 * Fails when no answer came within `timeoutMs`.
 */
export async function webhookCall(
	baseUrl: string,
	token: string,
	method: 'POST' | 'DELETE',
	path: string,
	body: unknown,
	timeoutMs: number,
): Promise<WebhookAnswer> {
	const payload = JSON.stringify(body);
	const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
		const request = httpRequest(
			`${baseUrl}/webhook/${path}`,
			{
				method,
				agent: false,
				headers: {
					'Content-Type': 'application/json',
					'Content-Length': Buffer.byteLength(payload),
					Authorization: `Bearer ${token}`,
				},
			},
			(response) => {
				let received = '';
				response.setEncoding('utf8');
				response.on('data', (chunk: string) => (received += chunk));
				response.on('end', () => resolve({ status: response.statusCode ?? 0, text: received }));
				response.on('error', reject);
			},
		);
		const timer = setTimeout(
			() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)),
			timeoutMs,
		);
		request.on('close', () => clearTimeout(timer));
		request.on('error', (error) =>
			reject(new Error(`${method} /webhook/${path} ${payload.slice(0, 200)}: ${error.message}`)),
		);
		request.end(payload);
	});
	try {
		return { status: answer.status, json: JSON.parse(answer.text) as IDataObject };
	} catch {
		return { status: answer.status, json: { text: answer.text } };
	}
}
