/** The content catalogue resource: list and show (titles come from the library, not the console). */
import MovieIcon from '@mui/icons-material/Movie';
import { lazyView } from '../shared/lazy-view.tsx';

const contentViews = () => import('./content-views.tsx');

export const content = {
  list: lazyView(contentViews, 'ContentList'),
  show: lazyView(contentViews, 'ContentShow'),
  icon: MovieIcon,
};
