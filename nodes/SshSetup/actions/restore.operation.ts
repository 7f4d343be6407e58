import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { quoted } from '../../../lib/errors';
import { mapItems } from '../../../lib/execute';
import { parseAbsolutePath } from '../../../lib/shell';
import { InputError } from '../../../lib/validation';
import { withSession } from '../helpers/connection';
import { parseRestoreOutput, restoreBody, selectRuns } from '../helpers/restic/restore';
import { tagValue } from '../helpers/restic/snapshots';
import { ensureTools, repositoryAt, runRestic } from '../helpers/restic/run';
import { buildSets, SET_NAMES, type SetOptions } from '../helpers/restic/sets';
import { listBody, parseList } from './listSnapshots.operation';
import {
	lockWaitField,
	parseLockWait,
	parseSnapshotHost,
	SET_OPTIONS,
	setOptionsField,
} from './repository.descriptions';

const show = { show: { operation: ['restore'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Snapshot',
		name: 'restoreSnapshot',
		type: 'string',
		default: 'latest',
		displayOptions: show,
		description:
			'"latest" for the newest run of each set, or a snapshot ID (List Snapshots, or a Backup’s output): the sets of the run that made it',
	},
	{
		displayName: 'Sets',
		name: 'restoreSets',
		type: 'multiOptions',
		options: SET_OPTIONS,
		default: [...SET_NAMES],
		displayOptions: show,
		description: 'Which sets to restore; sets without a snapshot are reported as missing',
	},
	{
		displayName: 'Restore To',
		name: 'restoreTarget',
		type: 'options',
		default: 'original',
		displayOptions: show,
		options: [
			{
				name: 'Original Paths',
				value: 'original',
				description:
					'Back in place: services stopped and started around it, databases rebuilt and swapped in',
			},
			{
				name: 'Folder',
				value: 'folder',
				description: 'Under a folder (same layout below it), for a look before restoring in place',
			},
		],
	},
	{
		displayName: 'Folder',
		name: 'restoreFolder',
		type: 'string',
		default: '/var/tmp/restore',
		displayOptions: { show: { operation: ['restore'], restoreTarget: ['folder'] } },
		description: 'Absolute folder to restore into',
	},
	setOptionsField(show),
	{
		displayName: 'Options',
		name: 'restoreOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'From Host Name',
				name: 'hostName',
				type: 'string',
				default: '',
				description:
					'Only snapshots recorded under this host name (e.g. the old server’s, when restoring onto a new one); empty for any',
			},
			lockWaitField(),
		],
	},
];

function parseSnapshotId(raw: unknown): string {
	const text = String(raw ?? '')
		.trim()
		.toLowerCase();
	if (text === 'latest') return text;
	if (!/^[0-9a-f]{8,64}$/.test(text))
		throw new InputError('Snapshot', `${quoted(text)} is neither "latest" nor a snapshot ID`);
	return text;
}

function parseFolder(raw: unknown): string {
	const folder = parseAbsolutePath('Folder', String(raw ?? ''));
	if (folder === '/')
		throw new InputError(
			'Folder',
			'choose Original Paths to restore in place, or a folder other than /',
		);
	return folder;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const started = Date.now();
		const snapshotId = parseSnapshotId(this.getNodeParameter('restoreSnapshot', i));
		const names = this.getNodeParameter('restoreSets', i, []) as string[];
		if (!names.length) throw new InputError('Sets', 'choose at least one set');
		const sets = buildSets(names, this.getNodeParameter('setOptions', i, {}) as SetOptions, false);
		const folder =
			this.getNodeParameter('restoreTarget', i) === 'folder'
				? parseFolder(this.getNodeParameter('restoreFolder', i))
				: '';
		const options = this.getNodeParameter('restoreOptions', i, {}) as {
			hostName?: string;
			lockWait?: number;
		};
		const host = parseSnapshotHost('From Host Name', options.hostName);
		const lockWait = parseLockWait(options.lockWait);
		const repository = await repositoryAt.call(this, i);
		return await withSession(this, i, async (session) => {
			const installed = await ensureTools(session, []);
			const snapshots = parseList(await runRestic(session, repository, lockWait, listBody(host)));
			const hosts = [
				...new Set(
					snapshots.filter((s) => names.includes(tagValue(s, 'set'))).map((s) => s.hostname),
				),
			];
			// "latest" of a repository several servers back up to must not pick another server's run
			if (snapshotId === 'latest' && hosts.length > 1)
				throw new InputError(
					'From Host Name',
					`the repository holds snapshots of several hosts (${hosts.join(', ')}); name the one to restore`,
				);
			const { runs, missing } = selectRuns(
				snapshots,
				sets.map((set) => set.name),
				snapshotId,
			);
			if (!runs.length)
				throw new InputError(
					'Snapshot',
					`the repository holds no snapshot of ${names.join(', ')}${host ? ` from host ${host}` : ''}`,
					'notFound',
				);
			const rebuildsSqlite = runs.some((run) =>
				run.parts.some(
					(part) =>
						tagValue(part, 'part') === 'database' &&
						!part.paths[0]?.startsWith('/homelab-ingress/'),
				),
			);
			if (rebuildsSqlite) installed.push(...(await ensureTools(session, [], true)));
			const stdout = await runRestic(
				session,
				repository,
				lockWait,
				restoreBody({ runs, folder, sets }),
			);
			return {
				server: session.target.host,
				repository: repository.display,
				snapshot: snapshotId,
				target: folder || 'original',
				...parseRestoreOutput(stdout, runs),
				missing,
				installed,
				duration: Date.now() - started,
			};
		});
	});
}
