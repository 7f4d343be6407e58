/** The Vultr API calls live in lib/ because the DNS Record node (Vultr DNS) makes them too. */
export {
	vultrCall,
	vultrListAll,
	vultrObject,
	vultrObjectIn,
	vultrRequest,
	type VultrContext,
} from '../../../lib/vultr-api';
