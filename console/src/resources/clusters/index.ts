/** The wide-area clusters resource: list and show with the sites each feeds. */
import HubIcon from '@mui/icons-material/Hub';
import { lazyView } from '../shared/lazy-view.tsx';

const clusterViews = () => import('./cluster-views.tsx');

export const clusters = {
  list: lazyView(clusterViews, 'ClusterList'),
  show: lazyView(clusterViews, 'ClusterShow'),
  icon: HubIcon,
  recordRepresentation: 'name',
};
