import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Templates ship in dist/templates next to dist/lib; in the source tree they sit next to lib/ too.
const templatesDir = join(__dirname, '..', 'templates');
const compiled = new Map<string, Handlebars.TemplateDelegate>();

const engine = Handlebars.create();
engine.registerHelper('join', (items: unknown, separator: unknown) =>
	Array.isArray(items) ? items.join(typeof separator === 'string' ? separator : ' ') : '',
);

/** Renders `templates/<name>` with Handlebars. Output is plain text, never HTML-escaped. */
export function renderTemplate(name: string, data: object): string {
	let template = compiled.get(name);
	if (!template) {
		template = engine.compile(readFileSync(join(templatesDir, name), 'utf8'), { noEscape: true, strict: true });
		compiled.set(name, template);
	}
	return template(data);
}
