/** The Rollouts resource: list, show with waves and actions, create (operators). */
import RolloutIcon from '@mui/icons-material/RocketLaunch';
import { lazyView } from '../shared/lazy-view.tsx';

const rolloutCreate = () => import('./rollout-create.tsx');
const rolloutList = () => import('./rollout-list.tsx');
const rolloutShow = () => import('./rollout-show.tsx');

export const rollouts = {
  list: lazyView(rolloutList, 'RolloutList'),
  show: lazyView(rolloutShow, 'RolloutShow'),
  create: lazyView(rolloutCreate, 'RolloutCreate'),
  icon: RolloutIcon,
  recordRepresentation: 'name',
};
