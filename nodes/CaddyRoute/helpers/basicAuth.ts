import bcrypt from 'bcryptjs';
import type { IDataObject } from 'n8n-workflow';

import { quoted } from '../../../lib/errors';
import { InputError } from '../../../lib/validation';
import { asArray, asObject } from './caddyJson';
import { textOf } from './routeInput';

/**
 * HTTP basic auth in front of a route. Caddy only ever gets a bcrypt hash: a plain password given to
 * the node is hashed here (or matched against the route's current hash, so re-runs change nothing).
 */

/** About 0.27 s per hash or check in bcryptjs on the 2-core test machine; Caddy's Go bcrypt is faster. */
export const BCRYPT_COST = 12;
/** Hashes given by the user: below 10 is weak; above 14 (Caddy's own) makes every request cost Caddy seconds. */
const HASH_COST = { min: 10, max: 14 };
/** bcrypt reads at most 72 bytes: a longer password would be silently cut, so it is refused. */
const PASSWORD_BYTES = { min: 8, max: 72 };
/** No ":" (it ends the user in the header) and no "{" (Caddy would expand a placeholder). */
const USER = /^[A-Za-z0-9._@+-]{1,64}$/;
/**
 * `$2a$`/`$2b$`/`$2y$`, two cost digits, 22 salt and 31 hash characters of bcrypt's alphabet. The last
 * salt character carries 4 unused bits and the last hash character 2, so only some letters can end them.
 */
const BCRYPT_HASH =
	/^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{21}[.Oeu][./A-Za-z0-9]{30}[.CGKOSWaeimquy26]$/;

/** A plain password that cannot leak by accident: not enumerable, and `***` as JSON or text. */
export class PlainPassword {
	readonly #value: string;

	constructor(value: string) {
		this.#value = value;
	}

	reveal(): string {
		return this.#value;
	}

	toJSON(): string {
		return '***';
	}

	toString(): string {
		return '***';
	}
}

export interface BasicAuthSpec {
	user: string;
	/** The bcrypt hash Caddy checks; absent only until `resolvePassword` ran. */
	hash?: string;
	/** A plain password to hash (never written anywhere). */
	password?: PlainPassword;
}

export interface BasicAuthInput {
	basicAuthUser?: unknown;
	basicAuthPassword?: unknown;
	basicAuthHash?: unknown;
}

const PASSWORD_FIELD = 'Basic Auth Password';

function parsePassword(raw: unknown): PlainPassword | undefined {
	// The value is never quoted in a message: it is a secret.
	if (raw === undefined || raw === null || raw === '') return undefined;
	if (typeof raw !== 'string') throw new InputError(PASSWORD_FIELD, 'must be text');
	const bytes = Buffer.byteLength(raw, 'utf8');
	if (bytes > PASSWORD_BYTES.max) {
		throw new InputError(
			PASSWORD_FIELD,
			`is ${bytes} bytes long; bcrypt uses at most ${PASSWORD_BYTES.max}, so longer ones are refused rather than cut`,
			'tooLarge',
		);
	}
	if (bytes < PASSWORD_BYTES.min) {
		throw new InputError(PASSWORD_FIELD, `must be at least ${PASSWORD_BYTES.min} bytes long`);
	}
	// Control characters cannot be typed at a login prompt.
	if (/[\u0000-\u001f\u007f]/.test(raw)) {
		throw new InputError(PASSWORD_FIELD, 'must not contain control characters');
	}
	return new PlainPassword(raw);
}

/** The cost of a well-formed bcrypt hash, or undefined. */
function costOf(hash: string): number | undefined {
	const cost = BCRYPT_HASH.exec(hash)?.[1];
	return cost === undefined ? undefined : Number(cost);
}

function acceptedCost(cost: number): boolean {
	return cost >= HASH_COST.min && cost <= HASH_COST.max;
}

function parseHash(raw: unknown): string | undefined {
	const hash = textOf('Basic Auth Hash', raw, 100).trim();
	if (!hash) return undefined;
	const cost = costOf(hash);
	if (cost === undefined) {
		throw new InputError(
			'Basic Auth Hash',
			// Not quoted: a password pasted here by mistake must not show up in the error.
			'is not a bcrypt hash ($2a$, $2b$ or $2y$, as caddy hash-password or htpasswd -B print)',
		);
	}
	if (!acceptedCost(cost)) {
		throw new InputError(
			'Basic Auth Hash',
			`has cost ${cost}; between ${HASH_COST.min} and ${HASH_COST.max} is accepted (Caddy checks it on every request)`,
		);
	}
	return hash;
}

/** Reads the basic-auth options of a route request; undefined when none is set. */
export function parseBasicAuth(input: BasicAuthInput): BasicAuthSpec | undefined {
	const user = textOf('Basic Auth User', input.basicAuthUser, 200).trim();
	const password = parsePassword(input.basicAuthPassword);
	const hash = parseHash(input.basicAuthHash);
	if (!user) {
		if (password || hash) throw new InputError('Basic Auth User', 'is required with a password');
		return undefined;
	}
	if (!USER.test(user)) {
		throw new InputError(
			'Basic Auth User',
			`${quoted(user)} may hold only letters, digits and . _ @ + - (at most 64)`,
		);
	}
	if (password && hash) {
		throw new InputError(
			'Basic Auth Password',
			'and Basic Auth Hash are exclusive: give one of them',
		);
	}
	if (!password && !hash) {
		throw new InputError('Basic Auth Password', 'or a Basic Auth Hash is required with a user');
	}
	return password ? { user, password } : { user, hash };
}

/**
 * The hash to write for a plain password: the current route's hash when it is for the same user and
 * matches the password (so an unchanged re-run stays unchanged), otherwise a fresh one.
 */
export async function resolvePassword(
	auth: BasicAuthSpec,
	current?: BasicAuthSpec,
): Promise<BasicAuthSpec> {
	if (!auth.password) return auth;
	const plain = auth.password.reveal();
	const hash = current?.user === auth.user ? current.hash : undefined;
	// Only a hash this node would accept is compared: a hand-edited cost 31 would take days.
	const cost = hash === undefined ? undefined : costOf(hash);
	if (hash !== undefined && cost !== undefined && acceptedCost(cost)) {
		if (await bcrypt.compare(plain, hash)) return { user: auth.user, hash };
	}
	return { user: auth.user, hash: await bcrypt.hash(plain, BCRYPT_COST) };
}

/**
 * Caddy's `authentication` handler with one bcrypt account (Caddy 2.6 takes a `$2…` hash as it is),
 * followed by removing the visitor's Authorization header, so the password does not travel home.
 * `hash_cache` keeps Caddy from running bcrypt on every request of a page that loads many files.
 */
export function basicAuthHandlers(auth: BasicAuthSpec): IDataObject[] {
	if (!auth.hash) throw new Error('basic auth password was not hashed before building the route');
	return [
		{
			handler: 'authentication',
			providers: {
				http_basic: {
					hash: { algorithm: 'bcrypt' },
					accounts: [{ username: auth.user, password: auth.hash }],
					hash_cache: {},
				},
			},
		},
		{ handler: 'headers', request: { delete: ['Authorization'] } },
	];
}

/** The account of an `authentication` handler written by `basicAuthHandlers`. */
export function parseBasicAuthHandler(handler: IDataObject): BasicAuthSpec {
	const account = asObject(asArray(asObject(asObject(handler.providers).http_basic).accounts)[0]);
	return { user: String(account.username ?? ''), hash: String(account.password ?? '') };
}
