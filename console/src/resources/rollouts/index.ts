/** The Rollouts resource: list, show with waves and actions, create (operators). */
import RolloutIcon from '@mui/icons-material/RocketLaunch';
import { RolloutCreate } from './rollout-create.tsx';
import { RolloutList } from './rollout-list.tsx';
import { RolloutShow } from './rollout-show.tsx';

export const rollouts = {
  list: RolloutList,
  show: RolloutShow,
  create: RolloutCreate,
  icon: RolloutIcon,
  recordRepresentation: 'name',
};
