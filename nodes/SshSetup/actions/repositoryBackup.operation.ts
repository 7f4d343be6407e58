import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { quoted } from '../../../lib/errors';
import { mapItems } from '../../../lib/execute';
import { InputError } from '../../../lib/validation';
import { withSession } from '../helpers/connection';
import {
	backupBody,
	maintenanceBody,
	parseBackupOutput,
	type BackupPlan,
} from '../helpers/restic/backup';
import { snapshotsToForget, type Retention } from '../helpers/restic/retention';
import { ensureTools, repositoryAt, runRestic } from '../helpers/restic/run';
import { buildSets, type SetOptions } from '../helpers/restic/sets';
import {
	lockWaitField,
	parseLockWait,
	parseSnapshotHost,
	SET_OPTIONS,
	setOptionsField,
} from './repository.descriptions';

const show = { show: { operation: ['backup'], backupMode: ['repository'] } };

const keep = (name: string, displayName: string, unit: string): INodeProperties => ({
	displayName,
	name,
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 0,
	description: `How many of the latest ${unit}s that have a snapshot keep one each`,
});

export const description: INodeProperties[] = [
	{
		displayName: 'Sets',
		name: 'backupSets',
		type: 'multiOptions',
		options: SET_OPTIONS,
		default: ['headscale', 'caddy', 'system'],
		displayOptions: show,
		description:
			'What to back up. Each set becomes its own tagged snapshots, so schedules, retention and restores can pick sets.',
	},
	setOptionsField(show),
	{
		displayName: 'Retention',
		name: 'retention',
		type: 'collection',
		placeholder: 'Add Rule',
		default: {},
		displayOptions: show,
		description:
			'Snapshots of the chosen sets and this host that no rule keeps are forgotten (restic forget). No rule: nothing is forgotten.',
		options: [
			keep('keepHourly', 'Keep Hourly', 'hour'),
			keep('keepDaily', 'Keep Daily', 'day'),
			keep('keepWeekly', 'Keep Weekly', 'week'),
			keep('keepMonthly', 'Keep Monthly', 'month'),
			{
				displayName: 'Prune',
				name: 'prune',
				type: 'boolean',
				default: true,
				description: 'Whether to free the space of forgotten snapshots right away (restic prune)',
			},
		],
	},
	{
		displayName: 'Repository Options',
		name: 'repositoryOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Check Read Data Subset',
				name: 'checkReadData',
				type: 'string',
				default: '',
				placeholder: '5%',
				description:
					'Also read and verify this part of the stored data during the check (restic --read-data-subset, e.g. 5% or 1/7)',
			},
			{
				displayName: 'Check Repository',
				name: 'check',
				type: 'boolean',
				default: false,
				description: 'Whether to run restic check after the backup (e.g. once a week)',
			},
			{
				displayName: 'Create Repository If Absent',
				name: 'initialize',
				type: 'boolean',
				default: true,
				description:
					'Whether to run restic init when there is no repository at the location (never when the password is wrong)',
			},
			{
				displayName: 'Host Name',
				name: 'hostName',
				type: 'string',
				default: '',
				description: 'Host name recorded in the snapshots; empty for the server’s own hostname',
			},
			lockWaitField(),
			{
				displayName: 'Snapshot Time',
				name: 'snapshotTime',
				type: 'string',
				default: '',
				placeholder: '2025-01-31T03:00:00Z',
				description:
					'Time recorded in the snapshots instead of now (ISO 8601), e.g. to import older data',
			},
		],
	},
];

interface RetentionParameters {
	keepHourly?: number;
	keepDaily?: number;
	keepWeekly?: number;
	keepMonthly?: number;
	prune?: boolean;
}

interface RepositoryOptions {
	check?: boolean;
	checkReadData?: string;
	initialize?: boolean;
	hostName?: string;
	lockWait?: number;
	snapshotTime?: string;
}

function parseKeep(label: string, raw: number | undefined): number | undefined {
	if (raw === undefined) return undefined;
	if (!Number.isInteger(raw) || raw < 0 || raw > 100_000)
		throw new InputError(label, `${quoted(raw)} is not a whole number from 0 to 100000`);
	return raw;
}

function parseRetention(raw: RetentionParameters): Retention {
	return {
		hourly: parseKeep('Keep Hourly', raw.keepHourly),
		daily: parseKeep('Keep Daily', raw.keepDaily),
		weekly: parseKeep('Keep Weekly', raw.keepWeekly),
		monthly: parseKeep('Keep Monthly', raw.keepMonthly),
	};
}

function parseSnapshotTime(raw: unknown): string {
	const text = String(raw ?? '').trim();
	if (!text) return '';
	const time = Date.parse(text);
	if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text) || Number.isNaN(time))
		throw new InputError('Snapshot Time', `${quoted(text)} is not an ISO 8601 time`);
	return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function parseReadData(raw: unknown): string {
	const text = String(raw ?? '').trim();
	if (text && !/^(\d{1,3}(\.\d+)?%|\d+\/\d+|\d+[KMGT]?)$/.test(text))
		throw new InputError(
			'Check Read Data Subset',
			`${quoted(text)} is not a percentage (5%), a part (1/7) or a size (500M)`,
		);
	return text;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const started = Date.now();
		const sets = buildSets(
			this.getNodeParameter('backupSets', i, []) as string[],
			this.getNodeParameter('setOptions', i, {}) as SetOptions,
		);
		const options = this.getNodeParameter('repositoryOptions', i, {}) as RepositoryOptions;
		const retention = this.getNodeParameter('retention', i, {}) as RetentionParameters;
		const plan: BackupPlan = {
			sets,
			host: parseSnapshotHost('Host Name', options.hostName),
			time: parseSnapshotTime(options.snapshotTime),
			// a check alone never creates a repository: a missing one is what it should report
			initialize: (options.initialize ?? true) && sets.length > 0,
			retention: parseRetention(retention),
		};
		const check = options.check ?? false;
		const readDataSubset = parseReadData(options.checkReadData);
		if (!sets.length && !check)
			throw new InputError('Sets', 'choose at least one set (or switch on Check Repository)');
		const lockWait = parseLockWait(options.lockWait);
		const repository = await repositoryAt.call(this, i);
		return await withSession(this, i, async (session) => {
			const sqliteFiles = sets.flatMap((set) =>
				set.dumps.flatMap((dump) => (dump.kind === 'sqlite' ? [dump.file] : [])),
			);
			const installed = await ensureTools(session, sqliteFiles);
			const backedUp = parseBackupOutput(
				await runRestic(session, repository, lockWait, backupBody(plan)),
			);
			const { policy } = backedUp;
			const forget = policy
				? snapshotsToForget(
						backedUp.list,
						policy,
						sets.map((set) => set.name),
					)
				: [];
			const prune = retention.prune ?? true;
			const body = maintenanceBody(forget, prune, check, readDataSubset);
			const done = body ? await runRestic(session, repository, lockWait, body) : '';
			return {
				server: session.target.host,
				repository: repository.display,
				...backedUp.output,
				retention: policy
					? {
							runsKept: policy.reduce((n, group) => n + (group.keep?.length ?? 0), 0),
							runsDropped: policy.reduce((n, group) => n + (group.remove?.length ?? 0), 0),
							forgotten: forget,
							pruned: done.includes('hli:pruned'),
						}
					: null,
				checked: done.includes('hli:checked'),
				installed,
				duration: Date.now() - started,
			};
		});
	});
}
