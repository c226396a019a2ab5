/** The Sites resource: list and show (sites are created from inventories, not the console). */
import StorefrontIcon from '@mui/icons-material/LocationCity';
import { SiteList } from './site-list.tsx';
import { SiteShow } from './site-show.tsx';

export const sites = { list: SiteList, show: SiteShow, icon: StorefrontIcon, recordRepresentation: 'name' };
