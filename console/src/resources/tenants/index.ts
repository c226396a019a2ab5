/** The Tenants resource: list, show with partner API keys (operators create, reveal once, revoke). */
import TenantIcon from '@mui/icons-material/Business';
import { TenantList, TenantShow } from './tenant-views.tsx';

export const tenants = { list: TenantList, show: TenantShow, icon: TenantIcon, recordRepresentation: 'name' };
