/** The Alerts resource: list with filters and acknowledgement. */
import AlertIcon from '@mui/icons-material/NotificationsActive';
import { AlertList } from './alert-list.tsx';

export const alerts = { list: AlertList, icon: AlertIcon };
