/** The Releases resource: list, show, create (operators). */
import ReleaseIcon from '@mui/icons-material/NewReleases';
import { ReleaseCreate, ReleaseList, ReleaseShow } from './release-views.tsx';

export const releases = {
  list: ReleaseList,
  show: ReleaseShow,
  create: ReleaseCreate,
  icon: ReleaseIcon,
  recordRepresentation: 'name',
};
