/**
 * The console's theme: react-admin's default with colours chosen for contrast (WCAG AA on
 * white for text and controls), a denser table for a NOC screen full of rows.
 */
import { defaultTheme } from 'react-admin';

export const fleetTheme = {
  ...defaultTheme,
  palette: {
    ...defaultTheme.palette,
    primary: { main: '#0b57d0' },
    secondary: { main: '#174ea6' },
  },
  components: {
    ...defaultTheme.components,
    RaDatagrid: { styleOverrides: { root: { '& .RaDatagrid-headerCell': { fontWeight: 700 } } } },
  },
};
