/** The Releases resource: list, show, create (operators). */
import ReleaseIcon from '@mui/icons-material/NewReleases';
import { lazyView } from '../shared/lazy-view.tsx';

const releaseViews = () => import('./release-views.tsx');

export const releases = {
  list: lazyView(releaseViews, 'ReleaseList'),
  show: lazyView(releaseViews, 'ReleaseShow'),
  create: lazyView(releaseViews, 'ReleaseCreate'),
  icon: ReleaseIcon,
  recordRepresentation: 'name',
};
