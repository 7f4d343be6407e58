import type { IExecuteFunctions } from 'n8n-workflow';

import type { ErrorKind } from '../../../../lib/errors';
import { quote } from '../../../../lib/shell';
import { missingPackages } from '../files';
import { SshError, type RunResult, type SshSession } from '../../transport';
import {
	parseRepository,
	redact,
	RESTIC_CREDENTIAL,
	type ResticCredentialData,
	type ResticRepository,
} from './repository';
import { resticScript } from './script';

/** A restic failure with its stable kind; the description is restic's own words, secrets masked. */
export class ResticError extends SshError {
	constructor(
		readonly kind: ErrorKind,
		message: string,
		description?: string,
	) {
		super(message, description);
		this.name = 'ResticError';
	}
}

export async function repositoryAt(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<ResticRepository> {
	return parseRepository(
		await this.getCredentials<ResticCredentialData>(RESTIC_CREDENTIAL, itemIndex),
	);
}

/**
 * Installs what is missing from the distribution: restic, and sqlite3 when a SQLite database is to be
 * dumped or rebuilt (`sqliteFiles`: only those that exist count). Without recommends: restic's is FUSE,
 * for `restic mount`, which the node never uses.
 */
export async function ensureTools(
	session: SshSession,
	sqliteFiles: string[],
	rebuildsSqlite = false,
): Promise<string[]> {
	const wanted = ['restic'];
	if (rebuildsSqlite) wanted.push('sqlite3');
	else if (sqliteFiles.length) {
		const probe = await session.run(
			`for f in ${sqliteFiles.map(quote).join(' ')}; do if [ -f "$f" ]; then echo "$f"; fi; done`,
		);
		if (probe.stdout.trim()) wanted.push('sqlite3');
	}
	const missing = await missingPackages(session, wanted);
	if (missing.length)
		await session.check(
			`Installing ${missing.join(', ')}`,
			`export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends ${missing.map(quote).join(' ')}`,
		);
	return missing;
}

interface Failure {
	kind: ErrorKind;
	message: string;
}

/** What restic's (or ssh's) words mean, most specific first. */
function classify(
	text: string,
	repository: ResticRepository,
	lockWait: number,
): Failure | undefined {
	const where = repository.display;
	if (/wrong password or no key found/.test(text))
		return {
			kind: 'auth',
			message: `The repository password does not open the repository at ${where}; nothing was changed`,
		};
	if (/repository is already locked/.test(text))
		return {
			kind: 'conflict',
			message: `The repository at ${where} stayed locked by another run for the whole lock wait (${lockWait} s)`,
		};
	if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/.test(text))
		return {
			kind: 'auth',
			message: `The SFTP host ${repository.sftp?.host ?? ''} did not present the pinned host key (${repository.sftp?.fingerprint ?? ''}); nothing was sent to it`,
		};
	if (/Permission denied \(/.test(text))
		return {
			kind: 'auth',
			message: `The SFTP host refused the login of ${repository.sftp?.user ?? 'the repository user'}`,
		};
	if (/Is there a repository at the following location/.test(text))
		return { kind: 'notFound', message: `There is no restic repository at ${where}` };
	if (
		/Connection refused|Connection timed out|No route to host|Could not resolve hostname|unable to start the sftp session|connection reset/i.test(
			text,
		)
	)
		return { kind: 'upstream', message: `The repository at ${where} could not be reached` };
	return undefined;
}

/** The error for a failed restic script: the step that failed, what restic said, nothing secret. */
export function resticFailure(
	result: RunResult,
	repository: ResticRepository,
	lockWait: number,
): ResticError {
	const lines = result.stderr.split('\n');
	const at = lines.map((line) => line.startsWith('hli-step: ')).lastIndexOf(true);
	const step = at >= 0 ? lines[at].slice('hli-step: '.length) : 'restic';
	const said = redact(
		lines
			.slice(at + 1)
			.filter((line) => line.trim())
			.slice(-15)
			.join('\n'),
		repository,
	).slice(-2000);
	const failure = classify(said, repository, lockWait);
	if (failure)
		return new ResticError(failure.kind, `${step}: ${failure.message}`, said || undefined);
	return new ResticError(
		'upstream',
		`${step} failed with exit code ${result.code}`,
		said || 'no output',
	);
}

/** Runs a restic script body on the server; the repository secrets travel on stdin only. */
export async function runRestic(
	session: SshSession,
	repository: ResticRepository,
	lockWait: number,
	body: string,
): Promise<string> {
	const { script, stdin } = resticScript(repository, lockWait, body);
	const result = await session.run(script, { stdin }).catch((error: SshError) => {
		throw new SshError(
			error.message,
			error.description ? redact(error.description, repository) : undefined,
		);
	});
	if (result.code !== 0) throw resticFailure(result, repository, lockWait);
	return result.stdout;
}
