/** The Tenants resource: list, show with partner API keys (operators create, reveal once, revoke). */
import TenantIcon from '@mui/icons-material/Business';
import { lazyView } from '../shared/lazy-view.tsx';

const tenantViews = () => import('./tenant-views.tsx');

export const tenants = {
  list: lazyView(tenantViews, 'TenantList'),
  show: lazyView(tenantViews, 'TenantShow'),
  icon: TenantIcon,
  recordRepresentation: 'name',
};
