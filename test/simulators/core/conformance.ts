/**
 * Checks HTTP exchanges against an official API description (OpenAPI 3.x or Swagger 2.0): the path
 * and method must exist, query parameters must be declared and typed, the JSON body must match the
 * request schema, and the status must be declared with a body matching its schema.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';

import { locateSpec, missingSpecsMessage } from './specs';

export function specPath(file: string): string {
	const path = locateSpec(file);
	if (!path) throw new Error(missingSpecsMessage([file]));
	return path;
}

export function specsAvailable(...files: string[]): boolean {
	return files.every((file) => locateSpec(file) !== undefined);
}

type Json = Record<string, unknown>;

interface Operation {
	template: string;
	matcher: RegExp;
	pointer: string;
	op: Json;
	pathParams: Json[];
}

export interface Exchange {
	method: string;
	/** Path relative to the API base (without the base path prefix). */
	path: string;
	query: URLSearchParams;
	requestBody?: unknown;
	status: number;
	responseBody?: unknown;
	/** Response content type; non-JSON bodies are only checked for presence. */
	responseType?: string;
}

export interface ConformanceOptions {
	/** Statuses any operation may return although the spec lists them only globally (e.g. 429). */
	globalStatuses?: number[];
	/** Paths the spec does not describe but the real API serves (documented elsewhere); not checked. */
	undocumented?: RegExp[];
	/**
	 * Query parameters an older API version had that the spec (of a newer version) dropped, by
	 * "METHOD /template" — e.g. Headscale v0.26's `GET /api/v1/preauthkey?user=`.
	 */
	extraQueryParameters?: Record<string, string[]>;
}

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export class ConformanceChecker {
	private readonly ajv: Ajv;
	private readonly operations: Operation[] = [];
	private readonly compiled = new Map<string, ValidateFunction>();
	private readonly swagger2: boolean;

	constructor(
		readonly specFile: string,
		private readonly options: ConformanceOptions = {},
	) {
		const text = readFileSync(specPath(specFile), 'utf8');
		const doc = (specFile.endsWith('.json') ? JSON.parse(text) : YAML.parse(text)) as Json;
		this.swagger2 = typeof doc.swagger === 'string';
		this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
		addFormats(this.ajv);
		for (const format of ['uint64', 'int64', 'int32', 'uint32', 'double', 'float', 'byte']) {
			this.ajv.addFormat(format, true);
		}
		this.ajv.addSchema(doc, 'spec');
		for (const [template, item] of Object.entries(doc.paths as Record<string, Json>)) {
			const matcher = new RegExp(
				`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`,
			);
			for (const [method, op] of Object.entries(item)) {
				if (method === 'parameters' || typeof op !== 'object') continue;
				this.operations.push({
					template,
					matcher,
					pointer: `#/paths/${escapePointer(template)}/${method}`,
					op: op as Json,
					pathParams: (item.parameters as Json[]) ?? [],
				});
			}
		}
	}

	private validator(pointer: string): ValidateFunction {
		let validate = this.compiled.get(pointer);
		if (!validate) {
			validate = this.ajv.compile({ $ref: `spec${pointer}` });
			this.compiled.set(pointer, validate);
		}
		return validate;
	}

	private find(method: string, path: string): Operation | undefined {
		const candidates = this.operations.filter(
			(o) => o.matcher.test(path) && o.pointer.endsWith(`/${method.toLowerCase()}`),
		);
		// A literal segment beats a template parameter (/instances/halt vs /instances/{id}).
		return candidates.sort(
			(a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0),
		)[0];
	}

	private errors(validate: ValidateFunction): string {
		return this.ajv.errorsText(validate.errors, { separator: '; ' });
	}

	/** Everything wrong with one exchange; an empty list means it conforms. */
	check(exchange: Exchange): string[] {
		const where = `${exchange.method} ${exchange.path}`;
		if (this.options.undocumented?.some((re) => re.test(exchange.path))) return [];
		const operation = this.find(exchange.method, exchange.path);
		if (!operation) return [`${where}: no such operation in ${this.specFile}`];
		return [
			...this.checkRequest(operation, exchange),
			...this.checkResponse(operation, exchange),
		].map((problem) => `${where} (${operation.template}): ${problem}`);
	}

	private checkRequest(operation: Operation, exchange: Exchange): string[] {
		const problems: string[] = [];
		const params = [...operation.pathParams, ...((operation.op.parameters as Json[]) ?? [])];
		const queryParams = params.filter((p) => p.in === 'query');
		for (const name of new Set(exchange.query.keys())) {
			const declared = queryParams.find((p) => p.name === name);
			const extra = this.options.extraQueryParameters?.[`${exchange.method} ${operation.template}`];
			if (!declared && extra?.includes(name)) continue;
			if (!declared) {
				problems.push(`query parameter "${name}" is not declared`);
				continue;
			}
			const schema = (declared.schema as Json | undefined) ?? { type: declared.type };
			const raw = exchange.query.get(name) ?? '';
			const value =
				schema.type === 'integer' || schema.type === 'number'
					? Number(raw)
					: schema.type === 'boolean'
						? raw === 'true'
						: raw;
			if (schema.type === 'integer' && !Number.isInteger(value))
				problems.push(`query "${name}"="${raw}" is not an integer`);
			if (schema.type === 'boolean' && !['true', 'false'].includes(raw))
				problems.push(`query "${name}"="${raw}" is not a boolean`);
		}
		for (const required of queryParams.filter((p) => p.required)) {
			if (!exchange.query.has(String(required.name)))
				problems.push(`required query parameter "${required.name}" missing`);
		}
		const bodyPointer = this.requestBodyPointer(operation);
		if (exchange.requestBody === undefined) {
			if (bodyPointer?.required) problems.push('request body is required');
			return problems;
		}
		if (!bodyPointer) {
			problems.push('operation takes no request body');
			return problems;
		}
		const validate = this.validator(bodyPointer.pointer);
		if (!validate(exchange.requestBody)) problems.push(`request body: ${this.errors(validate)}`);
		return problems;
	}

	private requestBodyPointer(
		operation: Operation,
	): { pointer: string; required: boolean } | undefined {
		if (this.swagger2) {
			const index = ((operation.op.parameters as Json[]) ?? []).findIndex((p) => p.in === 'body');
			if (index < 0) return undefined;
			const param = (operation.op.parameters as Json[])[index];
			return {
				pointer: `${operation.pointer}/parameters/${index}/schema`,
				required: Boolean(param.required),
			};
		}
		const body = operation.op.requestBody as Json | undefined;
		const content = body?.content as Record<string, Json> | undefined;
		if (!content) return undefined;
		const type = Object.keys(content).find((t) => t.includes('json')) ?? Object.keys(content)[0];
		if (!content[type]?.schema) return undefined;
		return {
			pointer: `${operation.pointer}/requestBody/content/${escapePointer(type)}/schema`,
			required: Boolean(body?.required),
		};
	}

	private checkResponse(operation: Operation, exchange: Exchange): string[] {
		const responses = (operation.op.responses ?? {}) as Record<string, Json>;
		const key = String(exchange.status);
		const declared = key in responses ? key : 'default' in responses ? 'default' : undefined;
		if (!declared) {
			if (this.options.globalStatuses?.includes(exchange.status)) return [];
			return [
				`status ${exchange.status} is not declared (declared: ${Object.keys(responses).join(', ')})`,
			];
		}
		const pointer = `${operation.pointer}/responses/${declared}`;
		const response = responses[declared];
		let schemaPointer: string | undefined;
		if (this.swagger2) {
			if (response.schema) schemaPointer = `${pointer}/schema`;
		} else if (response.$ref) {
			if (response.$ref && exchange.responseBody !== undefined)
				schemaPointer = `${response.$ref}/content/application~1json/schema`;
		} else {
			const content = response.content as Record<string, Json> | undefined;
			const type = content && Object.keys(content).find((t) => t.includes('json'));
			if (type && content[type].schema)
				schemaPointer = `${pointer}/content/${escapePointer(type)}/schema`;
		}
		if (!schemaPointer) return [];
		if (exchange.responseBody === undefined)
			return [`status ${exchange.status} must carry a JSON body`];
		const validate = this.validator(schemaPointer);
		return validate(exchange.responseBody)
			? []
			: [`response ${exchange.status}: ${this.errors(validate)}`];
	}
}
