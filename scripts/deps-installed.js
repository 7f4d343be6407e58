/**
 * Exits 0 when node_modules holds every package package-lock.json lists, at the listed version, as npm's
 * own record of the installed tree (node_modules/.package-lock.json, written by every install) says;
 * 1 otherwise. Optional packages may be absent: the lock lists them for every platform.
 * Run by scripts/deps.sh from the project folder.
 */
'use strict';

const { readFileSync } = require('node:fs');

function packages(file) {
	try {
		return JSON.parse(readFileSync(file, 'utf8')).packages ?? {};
	} catch {
		return undefined;
	}
}

const wanted = packages('package-lock.json');
const installed = packages('node_modules/.package-lock.json');
const current =
	wanted !== undefined &&
	installed !== undefined &&
	Object.entries(wanted).every(
		([path, entry]) =>
			!path.startsWith('node_modules/') ||
			entry.optional === true ||
			installed[path]?.version === entry.version,
	);
process.exit(current ? 0 : 1);
