import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mapItems } from '../../../lib/execute';
import { quote } from '../../../lib/shell';
import { withSession } from '../helpers/connection';
import { listStep, openRepositoryStep, parseJson } from '../helpers/restic/backup';
import { runsOf, tagValue, type SnapshotJson } from '../helpers/restic/snapshots';
import { ensureTools, repositoryAt, runRestic } from '../helpers/restic/run';
import {
	lockWaitField,
	parseLockWait,
	parseSnapshotHost,
	SET_OPTIONS,
} from './repository.descriptions';

const show = { show: { operation: ['listSnapshots'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Sets',
		name: 'listSets',
		type: 'multiOptions',
		options: SET_OPTIONS,
		default: [],
		displayOptions: show,
		description: 'Only snapshots of these sets; none chosen lists every set',
	},
	{
		displayName: 'Options',
		name: 'listOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Host Name',
				name: 'hostName',
				type: 'string',
				default: '',
				description: 'Only snapshots recorded under this host name',
			},
			{
				displayName: 'Latest Only',
				name: 'latestOnly',
				type: 'boolean',
				default: false,
				description: 'Whether to list only the newest run of each set',
			},
			lockWaitField(),
		],
	},
];

/** Opens the repository (never creating it) and lists the package's snapshots, of one host if given. */
export function listBody(host: string): string {
	return `${openRepositoryStep(false)}
${listStep(host ? `--host ${quote(host)}` : '')}`;
}

export function parseList(stdout: string): SnapshotJson[] {
	const line = stdout.split('\n').find((l) => l.startsWith('hli:list\t'));
	return parseJson<SnapshotJson[]>(line?.slice('hli:list\t'.length), []);
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const sets = this.getNodeParameter('listSets', i, []) as string[];
		const options = this.getNodeParameter('listOptions', i, {}) as {
			hostName?: string;
			latestOnly?: boolean;
			lockWait?: number;
		};
		const host = parseSnapshotHost('Host Name', options.hostName);
		const lockWait = parseLockWait(options.lockWait);
		const repository = await repositoryAt.call(this, i);
		const snapshots = await withSession(this, i, async (session) => {
			await ensureTools(session, []);
			return parseList(await runRestic(session, repository, lockWait, listBody(host)));
		});
		const runs = runsOf(snapshots).filter((run) => !sets.length || sets.includes(run.set));
		const chosen = options.latestOnly
			? runs.filter(
					(run, n) =>
						run.manifest && !runs.slice(0, n).some((r) => r.set === run.set && r.manifest),
				)
			: runs;
		// restic lists snapshots in no promised order: parts of a run are given by part, then time
		const byPart = (a: SnapshotJson, b: SnapshotJson) =>
			String(tagValue(a, 'part')).localeCompare(String(tagValue(b, 'part'))) ||
			Date.parse(a.time) - Date.parse(b.time);
		return chosen.flatMap((run) =>
			[...run.parts].sort(byPart).map((s) => ({
				id: s.id,
				shortId: s.short_id ?? s.id.slice(0, 8),
				time: s.time,
				host: s.hostname,
				set: run.set,
				part: tagValue(s, 'part'),
				complete: run.manifest !== undefined,
				paths: s.paths,
				tags: s.tags ?? [],
				repository: repository.display,
			})),
		);
	});
}
