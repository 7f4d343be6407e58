/**
 * POSIX shell quoting and validators for values that end up in remote commands. Every user-given
 * value that reaches a shell goes through `quote` (or is validated to a safe alphabet first).
 */

import { InputError, assertNoControlChars } from './validation';
import { quoted } from './errors';

/** Single-quotes a value for sh: nothing inside is expanded; a NUL can't be passed and is refused. */
export function quote(value: string | number): string {
	const text = String(value);
	if (text.includes('\0')) throw new InputError('shell argument', 'must not contain NUL');
	return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `argv` as one shell command line, every word quoted. */
export function commandLine(argv: Array<string | number>): string {
	return argv.map(quote).join(' ');
}

const USERNAME = /^[a-z_][a-z0-9_-]{0,31}$/;

/** A Linux user name as useradd accepts it (lower case, no leading digit or hyphen). */
export function parseUsername(field: string, raw: string): string {
	const name = String(raw ?? '').trim();
	if (!USERNAME.test(name)) {
		throw new InputError(
			field,
			`${quoted(name)} is not a valid user name (a-z, 0-9, "_" and "-", starting with a letter)`,
		);
	}
	return name;
}

/** An absolute path without control characters or `..` segments. */
export function parseAbsolutePath(field: string, raw: string): string {
	const path = assertNoControlChars(field, String(raw ?? '').trim());
	if (!path.startsWith('/'))
		throw new InputError(field, `${quoted(path)} must be an absolute path`);
	if (path.split('/').includes('..'))
		throw new InputError(field, `${quoted(path)} must not contain ".." segments`);
	return path.replace(/\/+$/, '') || '/';
}

/** Environment variable names as POSIX shells accept them. */
export function parseEnvName(field: string, raw: string): string {
	const name = String(raw ?? '').trim();
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
		throw new InputError(field, `${quoted(name)} is not a valid variable name`);
	return name;
}

/** `export NAME='value'; ` lines for an environment map. */
export function exportLines(env: Record<string, string>): string {
	return Object.entries(env)
		.map(([name, value]) => `export ${parseEnvName('Environment', name)}=${quote(value)}\n`)
		.join('');
}
