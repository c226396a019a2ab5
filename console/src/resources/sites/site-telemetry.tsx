/** A site's streams and egress over the last day, from the API's per-site series. */
import { useQuery } from '@tanstack/react-query';
import { useTranslate } from 'react-admin';
import { useAppServices } from '../../app-services.ts';
import { LineChart } from '../../charts/line-chart.tsx';
import { ApiError } from '../../graphql/client.ts';

interface Point {
  at: string;
  activeStreams: number;
  egressMbps: number;
  cacheHitRatio: number;
  errors: number;
}

export function SiteTelemetry({ id }: { id: string }) {
  const translate = useTranslate();
  const { dataProvider } = useAppServices();
  const { data, error } = useQuery({
    queryKey: ['sites', 'telemetry', id],
    refetchInterval: 30_000,
    retry: (count, e) => !(e instanceof ApiError && e.status === 403) && count < 2,
    queryFn: async () =>
      (await dataProvider.run<{ node: { telemetrySeries: Point[] | null } | null }>('SiteTelemetry', { id }))
        .node?.telemetrySeries ?? [],
  });
  if (error) {
    return (
      <p role="status">
        {error instanceof ApiError && error.status === 403
          ? translate('app.site.telemetry_forbidden')
          : translate('app.states.error', { message: error.message })}
      </p>
    );
  }
  const points = data ?? [];
  return (
    <LineChart
      title={translate('app.site.telemetry')}
      times={points.map((p) => p.at)}
      emptyText={translate('app.site.telemetry_none')}
      series={[
        {
          label: translate('app.dashboard.streams'),
          colour: '#0b57d0',
          values: points.map((p) => p.activeStreams),
        },
        {
          label: `${translate('app.dashboard.egress')} (Mbps)`,
          colour: '#b3261e',
          values: points.map((p) => p.egressMbps),
          unit: 'Mbps',
        },
      ]}
    />
  );
}
