/**
 * Preloaded into n8n (`NODE_OPTIONS=--require …`) by scripts/n8n-instance.ts when HLI_N8N_NET_LOG names a
 * file: appends one JSON line to that file for every DNS query and every connection to an address outside
 * loopback that the process attempts, before the attempt is made (so attempts that fail are recorded too).
 * It passes itself on to every process n8n starts (its task runner gets an environment of its own), so the
 * whole process tree is covered. test/e2e/lab.test.ts fails on any line: the n8n we start calls nothing
 * outside this machine.
 */
'use strict';

const childProcess = require('node:child_process');
const dgram = require('node:dgram');
const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');

const LOG_VARIABLE = 'HLI_N8N_NET_LOG';
const logFile = process.env[LOG_VARIABLE];

function isLoopbackAddress(address) {
	const host = String(address).replace(/^\[|\]$/g, '');
	if (net.isIPv4(host)) return host.startsWith('127.');
	if (net.isIPv6(host)) {
		const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
		return mapped ? mapped[1].startsWith('127.') : /^(0*:)*:?0*1$/.test(host);
	}
	return false;
}

function record(kind, target) {
	const where = new Error().stack
		.split('\n')
		.slice(4, 10)
		.map((line) => line.trim());
	const line = { kind, target, pid: process.pid, command: process.argv.slice(1, 3), where };
	fs.appendFileSync(logFile, `${JSON.stringify(line)}\n`);
}

/** The host and port of any form `socket.connect(…)` accepts (Node passes its own parsed form as an array). */
function connectTarget(args) {
	const first = Array.isArray(args[0]) ? args[0][0] : args[0];
	if (first !== null && typeof first === 'object') {
		if (first.path) return undefined;
		return { host: first.host ?? 'localhost', port: first.port };
	}
	if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined; // a unix socket path
	return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
}

function wrap(owner, name, check) {
	const original = owner[name];
	if (typeof original !== 'function') return;
	owner[name] = function (...args) {
		check(args);
		return original.apply(this, args);
	};
}

function recordQuery(kind) {
	return (args) => {
		const name = String(args[0]);
		if (!net.isIP(name)) record(kind, name);
	};
}

const RESOLVE_METHODS = [
	'resolve',
	'resolve4',
	'resolve6',
	'resolveAny',
	'resolveCaa',
	'resolveCname',
	'resolveMx',
	'resolveNaptr',
	'resolveNs',
	'resolvePtr',
	'resolveSoa',
	'resolveSrv',
	'resolveTlsa',
	'resolveTxt',
	'reverse',
];

function install() {
	wrap(net.Socket.prototype, 'connect', (args) => {
		const target = connectTarget(args);
		if (target && !isLoopbackAddress(target.host))
			record('connect', `${target.host}:${target.port}`);
	});
	for (const socketMethod of ['send', 'connect']) {
		wrap(dgram.Socket.prototype, socketMethod, (args) => {
			const host = args.find((arg, index) => index > 0 && typeof arg === 'string');
			if (host && !isLoopbackAddress(host)) record(`udp ${socketMethod}`, host);
		});
	}
	for (const api of [dns, dns.promises]) {
		wrap(api, 'lookup', recordQuery('dns lookup'));
		wrap(api, 'lookupService', (args) => record('dns lookupService', String(args[0])));
		for (const method of RESOLVE_METHODS) {
			wrap(api, method, recordQuery(`dns ${method}`));
			wrap(api.Resolver.prototype, method, recordQuery(`dns ${method}`));
		}
	}
	// Every asynchronous spawn, fork and exec goes through here: children get the recorder too.
	const preload = `--require ${JSON.stringify(__filename)}`;
	wrap(childProcess.ChildProcess.prototype, 'spawn', (args) => {
		const options = args[0];
		if (!options || !Array.isArray(options.envPairs)) return;
		const pairs = options.envPairs.filter(
			(pair) => !pair.startsWith('NODE_OPTIONS=') && !pair.startsWith(`${LOG_VARIABLE}=`),
		);
		const inherited = options.envPairs.find((pair) => pair.startsWith('NODE_OPTIONS='));
		const nodeOptions = inherited ? inherited.slice('NODE_OPTIONS='.length) : '';
		pairs.push(
			`NODE_OPTIONS=${nodeOptions.includes(preload) ? nodeOptions : `${nodeOptions} ${preload}`.trim()}`,
			`${LOG_VARIABLE}=${logFile}`,
		);
		options.envPairs = pairs;
	});
}

if (logFile) {
	install();
	// Shows that a process was covered at all: a recorder that never loaded would record nothing either.
	record('preloaded', process.argv.slice(1, 3).join(' '));
}
