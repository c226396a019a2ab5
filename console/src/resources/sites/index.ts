/** The Sites resource: list and show (sites are created from inventories, not the console). */
import StorefrontIcon from '@mui/icons-material/LocationCity';
import { lazyView } from '../shared/lazy-view.tsx';

const siteList = () => import('./site-list.tsx');
const siteShow = () => import('./site-show.tsx');

export const sites = {
  list: lazyView(siteList, 'SiteList'),
  show: lazyView(siteShow, 'SiteShow'),
  icon: StorefrontIcon,
  recordRepresentation: 'name',
};
