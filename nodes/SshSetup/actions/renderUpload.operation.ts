import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mapItems } from '../../../lib/execute';
import { parseAbsolutePath, parseUsername } from '../../../lib/shell';
import { compileTemplate, renderTemplate } from '../../../lib/templates';
import { InputError } from '../../../lib/validation';
import { withSession } from '../helpers/connection';
import { ensureFile } from '../helpers/files';
import { quoted } from '../../../lib/errors';

const show = { show: { operation: ['renderUpload'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Template Source',
		name: 'templateSource',
		type: 'options',
		default: 'builtIn',
		displayOptions: show,
		options: [
			{ name: 'Built-In Template', value: 'builtIn' },
			{ name: 'Inline', value: 'inline' },
		],
	},
	{
		displayName: 'Template Name',
		name: 'templateName',
		type: 'string',
		default: '',
		placeholder: 'sshd-hardening.conf.hbs',
		displayOptions: { show: { operation: ['renderUpload'], templateSource: ['builtIn'] } },
		description: "A file of the package's templates/ folder",
	},
	{
		displayName: 'Template',
		name: 'templateText',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		displayOptions: { show: { operation: ['renderUpload'], templateSource: ['inline'] } },
		description: "Handlebars text; the data is the item's JSON (or Template Data)",
	},
	{
		displayName: 'Template Data',
		name: 'templateData',
		type: 'json',
		default: '={{ JSON.stringify($json) }}',
		hint: 'e.g. {"domain": "example.com"}; the default passes the whole item',
		displayOptions: show,
	},
	{
		displayName: 'Remote Path',
		name: 'remotePath',
		type: 'string',
		default: '',
		hint: 'Absolute path on the server; the file is replaced',
		required: true,
		placeholder: '/etc/caddy/extra.conf',
		displayOptions: show,
	},
	{
		displayName: 'File Options',
		name: 'fileOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show,
		options: [
			{ displayName: 'Group', name: 'group', type: 'string', default: '' },
			{ displayName: 'Mode', name: 'mode', type: 'string', default: '0644' },
			{ displayName: 'Owner', name: 'owner', type: 'string', default: 'root' },
		],
	},
];

/** Renders a template of the package (by file name) or inline text; output is never HTML-escaped. */
export function renderSource(source: string, name: string, text: string, data: object): string {
	if (source === 'inline') return compileTemplate(text, false)(data);
	if (!/^[A-Za-z0-9._-]+\.hbs$/.test(name))
		throw new InputError('Template Name', `${quoted(name)} is not a template file name`);
	return renderTemplate(name, data);
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, async (i) => {
		const path = parseAbsolutePath('Remote Path', this.getNodeParameter('remotePath', i) as string);
		const options = this.getNodeParameter('fileOptions', i, {}) as {
			owner?: string;
			group?: string;
			mode?: string;
		};
		const mode = String(options.mode ?? '0644').trim();
		if (!/^0?[0-7]{3,4}$/.test(mode))
			throw new InputError('Mode', `${quoted(mode)} is not an octal file mode`);
		const owner = parseUsername('Owner', options.owner || 'root');
		const group = options.group ? parseUsername('Group', options.group) : owner;
		const rawData = this.getNodeParameter('templateData', i, '{}');
		const data = (
			typeof rawData === 'string' ? JSON.parse(rawData || '{}') : rawData
		) as IDataObject;
		let content: string;
		try {
			content = renderSource(
				this.getNodeParameter('templateSource', i) as string,
				this.getNodeParameter('templateName', i, '') as string,
				this.getNodeParameter('templateText', i, '') as string,
				data,
			);
		} catch (error) {
			throw new NodeOperationError(
				this.getNode(),
				`Invalid Template: ${(error as Error).message}`,
				{ itemIndex: i },
			);
		}
		return await withSession(this, i, async (session) => {
			const changed = await ensureFile(session, {
				path,
				content,
				mode: mode.padStart(4, '0'),
				owner,
				group,
			});
			return { path, changed, bytes: Buffer.byteLength(content) };
		});
	});
}
