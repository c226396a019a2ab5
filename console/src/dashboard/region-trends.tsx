/** Streams and egress over the last day, for the nation or a chosen region (the API's series). */
import { FormControl, InputLabel, MenuItem, Select } from '@mui/material';
import { REGIONS } from '@smart-fleet/model/regions';
import { useState } from 'react';
import { useTranslate } from 'react-admin';
import { LineChart } from '../charts/line-chart.tsx';
import { graphqlEnumName } from '../data/enum-names.ts';
import { useRegionSeries } from './use-fleet-data.ts';

export function RegionTrends() {
  const translate = useTranslate();
  const [region, setRegion] = useState<string>('');
  const { data, error } = useRegionSeries(region === '' ? undefined : region, true);
  const samples = data ?? [];
  return (
    <>
      <FormControl size="small" sx={{ minWidth: 200, mb: 1 }}>
        <InputLabel id="trend-region-label">{translate('app.dashboard.trend_region')}</InputLabel>
        <Select
          labelId="trend-region-label"
          label={translate('app.dashboard.trend_region')}
          value={region}
          onChange={(e) => setRegion(e.target.value)}
        >
          <MenuItem value="">{translate('app.dashboard.trend_nation')}</MenuItem>
          {REGIONS.map((r) => (
            <MenuItem key={r.code} value={r.code}>
              {translate(`app.region.${graphqlEnumName(r.code)}`)}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      {error ? (
        translate('app.states.error', { message: error.message })
      ) : (
        <LineChart
          title={translate('app.dashboard.trends')}
          times={samples.map((s) => s.at)}
          emptyText={translate('app.dashboard.trend_empty')}
          series={[
            {
              label: translate('app.dashboard.streams'),
              colour: '#0b57d0',
              values: samples.map((s) => s.activeStreams),
            },
            {
              label: `${translate('app.dashboard.egress')} (Mbps)`,
              colour: '#b3261e',
              values: samples.map((s) => s.egressMbps),
              unit: 'Mbps',
            },
          ]}
        />
      )}
    </>
  );
}
