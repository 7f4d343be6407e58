import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../../lib/descriptions';
import { createRouter, operation, type Operations } from '../../lib/router';

/** The two things a router asks of n8n: parameter values and the node (for errors). */
function contextWith(parameters: Record<string, string>): IExecuteFunctions {
	return {
		getNodeParameter: (name: string) => {
			if (!(name in parameters)) throw new Error(`parameter ${name} was not expected`);
			return parameters[name];
		},
		getNode: () => ({
			name: 'Node',
			type: 'test',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
	} as unknown as IExecuteFunctions;
}

const field = (name: string): INodeProperties => ({
	displayName: name,
	name,
	type: 'string',
	default: '',
});

/** An operation that answers with its own name and the arguments the router handed it. */
function answering<Args extends unknown[]>(name: string, fields: INodeProperties[] = []) {
	return {
		description: fields,
		async execute(this: IExecuteFunctions, ...args: Args): Promise<INodeExecutionData[]> {
			return [{ json: { ran: name, args: args.map(String) } }];
		},
	};
}

const items = { list: operation(answering('items.list'), { name: 'Get Many' }) };
const route = {
	operations: {
		upsert: operation(answering('route.upsert'), { name: 'Create or Update' }),
		delete: operation(answering('route.delete'), { name: 'Delete' }),
	},
};

describe('createRouter', () => {
	it('runs the operation the parameters pick, at any depth, and only that one', async () => {
		const byResource = createRouter(['resource'], { route, items: { operations: items } });
		const ran = await byResource.call(contextWith({ resource: 'route', operation: 'delete' }));
		expect(ran).toEqual([[{ json: { ran: 'route.delete', args: [] } }]]);

		const byBackend = createRouter(['backend', 'resource'], {
			one: { route },
			two: { items: { operations: items } },
		});
		const two = await byBackend.call(
			contextWith({ backend: 'two', resource: 'items', operation: 'list' }),
		);
		expect(two[0][0].json.ran).toBe('items.list');

		const flat = createRouter([], { operations: items });
		expect((await flat.call(contextWith({ operation: 'list' })))[0][0].json.ran).toBe('items.list');
	});

	it('names what was asked for when nothing matches', async () => {
		const byResource = createRouter(['resource'], { route });
		await expect(
			byResource.call(contextWith({ resource: 'route', operation: 'rename' })),
		).rejects.toThrow('The operation "rename" of "route" is not supported');
		await expect(
			byResource.call(contextWith({ resource: 'server', operation: 'upsert' })),
		).rejects.toThrow('The operation "upsert" of "server" is not supported');

		const byBackend = createRouter(['backend', 'resource'], { one: { route } });
		await expect(
			byBackend.call(contextWith({ backend: 'two', resource: 'route', operation: 'upsert' })),
		).rejects.toThrow('The operation "upsert" of "route" is not supported on two');

		const flat = createRouter([], { operations: items });
		await expect(flat.call(contextWith({ operation: 'get' }))).rejects.toThrow(
			/^The operation "get" is not supported$/,
		);
	});

	it('never takes an inherited property for a resource or an operation', async () => {
		const byResource = createRouter(['resource'], { route });
		for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
			await expect(
				byResource.call(contextWith({ resource: 'route', operation: name })),
			).rejects.toThrow(`The operation "${name}" of "route" is not supported`);
			await expect(
				byResource.call(contextWith({ resource: name, operation: 'upsert' })),
			).rejects.toThrow(`The operation "upsert" of "${name}" is not supported`);
		}
	});

	it('hands every operation what prepare made, and prepares nothing for an unknown operation', async () => {
		let prepared = 0;
		const withStore: Operations<[string]> = {
			drain: operation(answering<[string]>('queue.drain'), { name: 'Drain' }),
		};
		const router = createRouter(['resource'], { queue: { operations: withStore } }, async () => {
			prepared++;
			return ['the store'] as [string];
		});
		const ran = await router.call(contextWith({ resource: 'queue', operation: 'drain' }));
		expect(ran[0][0].json).toEqual({ ran: 'queue.drain', args: ['the store'] });
		await expect(
			router.call(contextWith({ resource: 'queue', operation: 'purge' })),
		).rejects.toThrow('not supported');
		expect(prepared).toBe(1);
	});
});

describe('operationSelector', () => {
	const operations = {
		ensure: operation(answering('ensure', [field('rules')]), {
			name: 'Ensure',
			description: 'Make it so',
			action: 'Ensure a thing',
		}),
		delete: operation(answering('delete', [field('id')]), {
			name: 'Delete',
			action: 'Delete a thing',
		}),
		list: operation(answering('list'), { name: 'Get Many', action: 'Get many things' }),
	};

	it('lists each operation once, by name, with its value, followed by the fields in listed order', () => {
		const [selector, ...fields] = operationSelector({ resource: ['thing'] }, operations);
		expect(selector).toEqual({
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: ['thing'] } },
			options: [
				{ name: 'Delete', value: 'delete', action: 'Delete a thing' },
				{ name: 'Ensure', value: 'ensure', description: 'Make it so', action: 'Ensure a thing' },
				{ name: 'Get Many', value: 'list', action: 'Get many things' },
			],
			default: 'delete',
		});
		expect(fields.map((f) => f.name)).toEqual(['rules', 'id']);
	});

	it('keeps the listed order when asked, takes a default, puts resource fields first, and shows always without `show`', () => {
		const [selector, ...fields] = operationSelector(undefined, operations, {
			order: 'asListed',
			default: 'list',
			fields: [field('apiLevel')],
		});
		expect(selector.options?.map((o) => (o as { value: string }).value)).toEqual([
			'ensure',
			'delete',
			'list',
		]);
		expect(selector.default).toBe('list');
		expect(selector).not.toHaveProperty('displayOptions');
		expect(fields.map((f) => f.name)).toEqual(['apiLevel', 'rules', 'id']);
	});
});
