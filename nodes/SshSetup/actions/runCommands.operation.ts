import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../lib/execute';
import { exportLines, parseAbsolutePath, quote } from '../../../lib/shell';
import { withSession } from '../helpers/connection';
import { SshCommandError } from '../transport';

const show = { show: { operation: ['runCommands'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Commands',
		name: 'commands',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'systemctl restart caddy',
		displayOptions: show,
		description: 'Shell commands, one per line, run in order; the run stops at the first failure',
		hint: 'Run as written: keep request data out, or the server runs it too',
	},
	{
		displayName: 'Options',
		name: 'commandOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Allow Failure',
				name: 'allowFailure',
				type: 'boolean',
				default: false,
				description: 'Whether a non-zero exit is reported in the output instead of failing',
			},
			{
				displayName: 'Environment',
				name: 'environment',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{
						displayName: 'Variable',
						name: 'variable',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{ displayName: 'Timeout (Seconds)', name: 'timeout', type: 'number', default: 300 },
			{
				displayName: 'Use Sudo',
				name: 'sudo',
				type: 'boolean',
				default: true,
				description: 'Whether commands run as root (through sudo for non-root users)',
			},
			{
				displayName: 'Working Directory',
				name: 'cwd',
				type: 'string',
				default: '',
				placeholder: '/opt/app',
			},
		],
	},
];

interface CommandOptions {
	allowFailure?: boolean;
	environment?: { variable?: Array<{ name: string; value: string }> };
	timeout?: number;
	sudo?: boolean;
	cwd?: string;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const commands = String(this.getNodeParameter('commands', i))
			.split('\n')
			.map((line) => line.trim())
			.filter(Boolean);
		const options = this.getNodeParameter('commandOptions', i, {}) as CommandOptions;
		const env = Object.fromEntries(
			(options.environment?.variable ?? []).map((v) => [v.name, String(v.value ?? '')]),
		);
		const prelude =
			exportLines(env) +
			(options.cwd
				? `cd ${quote(parseAbsolutePath('Working Directory', options.cwd))} || exit 1\n`
				: '');
		return await withSession(this, i, async (session) => {
			const results = [];
			for (const command of commands) {
				const started = Date.now();
				const result = await session.run(prelude + command, {
					unprivileged: options.sudo === false,
					timeoutMs: (options.timeout ?? 300) * 1000,
				});
				results.push({
					command,
					exitCode: result.code,
					stdout: result.stdout,
					stderr: result.stderr,
					duration: Date.now() - started,
				});
				if (result.code !== 0 && !options.allowFailure)
					throw new SshCommandError(`"${command.slice(0, 80)}"`, result);
				if (result.code !== 0) break;
			}
			return {
				host: session.target.host,
				success: results.every((r) => r.exitCode === 0),
				results,
			};
		});
	});
}
