/**
 * Whether this n8n process is part of a queue-mode setup. n8n gives nodes no API for it, so this reads what
 * n8n itself reads: its documented `EXECUTIONS_MODE` setting, and the command the process was started with
 * (n8n-core's InstanceSettings takes `worker` and `webhook` from it; `n8n worker` switches to queue mode
 * even when `EXECUTIONS_MODE` is not set, and `n8n webhook` refuses to start without it).
 */
export function n8nRunsInQueueMode(
	env: NodeJS.ProcessEnv = process.env,
	argv: readonly string[] = process.argv,
): boolean {
	if (env.EXECUTIONS_MODE?.trim() === 'queue') return true;
	return argv[2] === 'worker' || argv[2] === 'webhook';
}
