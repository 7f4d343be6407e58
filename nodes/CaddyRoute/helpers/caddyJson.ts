import type { IDataObject } from 'n8n-workflow';

/** A route object of Caddy's JSON config, with the optional `@id` the admin API addresses it by. */
export type CaddyRoute = IDataObject & { '@id'?: string };

/** A JSON object read from Caddy's config, or an empty one for anything else. */
export function asObject(value: unknown): IDataObject {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : {};
}

/** A JSON array of objects read from Caddy's config, or an empty one for anything else. */
export function asArray(value: unknown): IDataObject[] {
	return Array.isArray(value) ? (value as IDataObject[]) : [];
}
