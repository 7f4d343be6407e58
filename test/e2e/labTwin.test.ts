/**
 * `npm start -- --twin` as a user runs it: the provisioning lab comes up and prints how to log in and what
 * to fill in; the provision form refuses a visitor without its login; the form, filled with what the
 * banner printed, provisions a VPS twin end to end (the ntfy notification printed by the lab says it is
 * ready); Ctrl-C stops every process of the lab, twins included.
 */
import { join } from 'node:path';

import { login } from '../../scripts/n8n-instance';
import { alive, processTree, startLab, stopLab, type RunningLab } from '../support/lab';
import { describeWithN8n, n8nBin } from '../support/n8n';
import { waitFor } from '../support/process';
import { FORM_ORDER } from '../support/provisionLab';
import { describeWithServer } from '../support/servers';

const PROJECT_DIR = join(__dirname, '..', '..');
const START_TIMEOUT_MS = 300_000;
const RUN_TIMEOUT_MS = 400_000;

jest.setTimeout(60_000);

interface Banner {
	editor: { url: string; email: string; password: string };
	form: { url: string; user: string; password: string };
	fields: Record<string, string>;
}

/** What the banner tells a user: where to log in, and the form's values (multi-line ones indented). */
function readBanner(output: string): Banner {
	const editor = /n8n editor:\s+(\S+)\s+login (\S+) \/ (\S+)/.exec(output);
	const form = /provision form:\s+(\S+)\s+login (\S+) \/ (\S+)/.exec(output);
	if (!editor || !form)
		throw new Error(`the banner names no editor or form:\n${output.slice(-3_000)}`);
	const lines = output.split('\n');
	const start = lines.findIndex((line) => line.includes('fill the form with'));
	const fields: Record<string, string> = {};
	let last = '';
	for (const line of lines.slice(start + 1)) {
		const field = /^ {4}(\w+)\s+(.*)$/.exec(line);
		if (field) {
			last = field[1];
			fields[last] = field[2];
		} else if (/^ {18}\S/.test(line) && last) fields[last] += `\n${line.trim()}`;
		else break;
	}
	return {
		editor: { url: editor[1], email: editor[2], password: editor[3] },
		form: { url: form[1], user: form[2], password: form[3] },
		fields,
	};
}

describeWithServer('twin', 'npm start -- --twin: the provisioning lab', () => {
	describeWithServer('powerdns', 'with PowerDNS', () => {
		describeWithN8n('with the cached n8n', () => {
			let lab: RunningLab | undefined;
			let banner: Banner;

			beforeAll(async () => {
				lab = await startLab(
					PROJECT_DIR,
					{ ...process.env, HLI_N8N_BIN: n8nBin },
					START_TIMEOUT_MS,
					['--twin'],
				);
				banner = readBanner(lab.output());
			}, START_TIMEOUT_MS + 60_000);

			afterAll(async () => {
				if (lab) await stopLab(lab.child, processTree(lab.child.pid!), 120_000);
			}, 180_000);

			it('prints the editor login and every field of the form', async () => {
				expect(Object.keys(banner.fields).sort()).toEqual([...FORM_ORDER].sort());
				expect(banner.fields.services.split('\n')).toHaveLength(2);
				const cookie = await login(banner.editor.url, {
					email: banner.editor.email,
					password: banner.editor.password,
					firstName: '',
					lastName: '',
				});
				expect(cookie).toBeTruthy();
			});

			it('refuses the form without its login', async () => {
				const response = await fetch(banner.form.url, { signal: AbortSignal.timeout(10_000) });
				expect(response.status).toBe(401);
				await response.text();
			});

			it(
				'provisions a VPS twin from the form filled as the banner says',
				async () => {
					const form = new FormData();
					FORM_ORDER.forEach((key, index) => form.append(`field-${index}`, banner.fields[key]));
					const basic = Buffer.from(`${banner.form.user}:${banner.form.password}`).toString(
						'base64',
					);
					const response = await fetch(banner.form.url, {
						method: 'POST',
						body: form,
						headers: { Authorization: `Basic ${basic}` },
						signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
					});
					await response.text();
					expect(response.status).toBe(200);
					await waitFor(
						'the ntfy notification of the run',
						async () => lab!.output().includes('ntfy: '),
						60_000,
					);
					expect(lab!.output()).toContain('ntfy: Ingress VPS ready');
				},
				RUN_TIMEOUT_MS + 60_000,
			);

			it('stops every process of the lab on Ctrl-C, twins included', async () => {
				const running = lab!;
				lab = undefined;
				const pids = processTree(running.child.pid!);
				expect(pids.length).toBeGreaterThan(3);
				await stopLab(running.child, pids, 120_000);
				expect(pids.filter(alive)).toEqual([]);
				expect(running.output()).toContain('lab: stopped');
			}, 180_000);
		});
	});
});
