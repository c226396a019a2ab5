/** The Alerts resource: list with filters and acknowledgement. */
import AlertIcon from '@mui/icons-material/NotificationsActive';
import { lazyView } from '../shared/lazy-view.tsx';

const alertViews = () => import('./alert-list.tsx');

export const alerts = { list: lazyView(alertViews, 'AlertList'), icon: AlertIcon };
