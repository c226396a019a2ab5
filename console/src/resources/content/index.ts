/** The content catalogue resource: list and show (titles come from the library, not the console). */
import MovieIcon from '@mui/icons-material/Movie';
import { ContentList, ContentShow } from './content-views.tsx';

export const content = { list: ContentList, show: ContentShow, icon: MovieIcon };
