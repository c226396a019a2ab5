/** Empty and error states that say what to do next, for every list. */
import { Box, Button, Typography } from '@mui/material';
import { useListContext, useTranslate } from 'react-admin';

export function ListEmpty({ message = 'app.states.empty' }: { message?: string }) {
  const translate = useTranslate();
  const { filterValues, setFilters } = useListContext();
  const filtered = Object.keys(filterValues ?? {}).length > 0;
  return (
    <Box sx={{ p: 3 }} role="status">
      <Typography>{translate(filtered ? 'app.states.empty_sites' : message)}</Typography>
      {filtered && (
        <Button sx={{ mt: 1 }} onClick={() => setFilters({}, [])}>
          {translate('ra.navigation.clear_filters')}
        </Button>
      )}
    </Box>
  );
}
