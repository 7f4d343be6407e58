/** The Tailscale and Headscale API calls live in lib/ because SSH Setup mints join keys with them too. */
export {
	headscaleList,
	headscaleRequest,
	tailscaleList,
	tailscaleRequest,
	tailscaleSettings,
	type TailscaleSettings,
} from '../../../lib/tailnet-api';
