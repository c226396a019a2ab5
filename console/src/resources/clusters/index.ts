/** The wide-area clusters resource: list and show with the sites each feeds. */
import HubIcon from '@mui/icons-material/Hub';
import { ClusterList, ClusterShow } from './cluster-views.tsx';

export const clusters = { list: ClusterList, show: ClusterShow, icon: HubIcon, recordRepresentation: 'name' };
