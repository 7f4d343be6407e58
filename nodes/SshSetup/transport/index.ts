/** SSH Setup talks SSH through the package's one SSH layer (Caddy Route's admin tunnel uses it too). */
export * from '../../../lib/ssh-session';
