import type HandlebarsModule from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Templates ship in dist/templates next to dist/lib; in the source tree they sit next to lib/ too.
const templatesDir = join(__dirname, '..', 'templates');
const compiled = new Map<string, HandlebarsModule.TemplateDelegate>();
let engine: typeof HandlebarsModule | undefined;

/** Handlebars is loaded on first use, so an idle n8n does not carry it for every node of the package. */
function handlebars(): typeof HandlebarsModule {
	if (!engine) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load keeps n8n's start-up memory down
		engine = (require('handlebars') as typeof HandlebarsModule).create();
		engine.registerHelper('join', (items: unknown, separator: unknown) =>
			Array.isArray(items) ? items.join(typeof separator === 'string' ? separator : ' ') : '',
		);
	}
	return engine;
}

/**
 * Compiles Handlebars source for plain-text output (never HTML-escaped). The package's own templates
 * are strict, so a missing field is an error; a user's inline template renders it as empty text.
 */
export function compileTemplate(source: string, strict = true): HandlebarsModule.TemplateDelegate {
	return handlebars().compile(source, { noEscape: true, strict });
}

/** Renders `templates/<name>` with Handlebars. */
export function renderTemplate(name: string, data: object): string {
	let template = compiled.get(name);
	if (!template) {
		template = compileTemplate(readFileSync(join(templatesDir, name), 'utf8'));
		compiled.set(name, template);
	}
	return template(data);
}
