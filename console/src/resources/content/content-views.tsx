/**
 * The content catalogue: titles with their MPEG-7 description (title, genre, language,
 * creators, synopsis), renditions, regional demand and how many sites hold each. A partner sees
 * only the titles it owns.
 */
import { Chip, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import {
  Datagrid,
  FunctionField,
  List,
  NumberField,
  SearchInput,
  Show,
  SimpleShowLayout,
  TextField,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { ListEmpty } from '../shared/list-states.tsx';

interface Title {
  spec: {
    mpeg7: {
      title: string;
      genre: string[];
      language: string;
      durationSeconds: number;
      synopsis?: string;
      creators?: { name: string; role: string }[];
    };
    renditions?: { name: string; codec: string; bitrateMbps: number; sizeMB: number }[];
    demand?: { region: string; weight: number }[] | null;
  };
}

const minutes = (r: Title) => `${Math.round(r.spec.mpeg7.durationSeconds / 60)} min`;

export function ContentList() {
  const translate = useTranslate();
  return (
    <List
      perPage={25}
      sort={{ field: 'id', order: 'ASC' }}
      empty={false}
      filters={[
        <SearchInput
          key="q"
          source="q"
          alwaysOn
          slotProps={{ htmlInput: { 'aria-label': translate('resources.content.fields.q'), maxLength: 100 } }}
        />,
      ]}
    >
      <Datagrid rowClick="show" bulkActionButtons={false} empty={<ListEmpty />}>
        <TextField source="spec.mpeg7.title" sortable={false} />
        <FunctionField
          source="spec.mpeg7.genre"
          sortable={false}
          render={(r: Title) => r.spec.mpeg7.genre.join(', ')}
        />
        <TextField source="spec.mpeg7.language" sortable={false} />
        <FunctionField source="spec.mpeg7.durationSeconds" sortable={false} render={minutes} />
        <TextField source="spec.owner" sortable={false} />
        <NumberField source="status.sizeMB" sortable={false} emptyText="—" />
        <NumberField source="status.sitesPlaced" sortable={false} emptyText="0" />
      </Datagrid>
    </List>
  );
}

function Renditions(_props: { label?: string }) {
  const record = useRecordContext<Title>();
  return (
    <Table size="small">
      <TableHead>
        <TableRow>
          {['Name', 'Codec', 'Mbps', 'MB'].map((h) => (
            <TableCell key={h} component="th" scope="col">
              {h}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {(record?.spec.renditions ?? []).map((r) => (
          <TableRow key={r.name}>
            <TableCell component="th" scope="row">
              {r.name}
            </TableCell>
            <TableCell>{r.codec}</TableCell>
            <TableCell>{r.bitrateMbps}</TableCell>
            <TableCell>{r.sizeMB.toLocaleString()}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Demand(_props: { label?: string }) {
  const translate = useTranslate();
  const record = useRecordContext<Title>();
  const demand = record?.spec.demand ?? [];
  return demand.length === 0 ? (
    <Typography>—</Typography>
  ) : (
    <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 1 }}>
      {demand.map((d) => (
        <Chip
          key={d.region}
          label={`${translate(`app.region.${d.region}`)} ${d.weight}`}
          variant="outlined"
        />
      ))}
    </Stack>
  );
}

export function ContentShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="spec.mpeg7.title" />
        <TextField source="spec.mpeg7.synopsis" emptyText="—" />
        <FunctionField source="spec.mpeg7.genre" render={(r: Title) => r.spec.mpeg7.genre.join(', ')} />
        <TextField source="spec.mpeg7.language" />
        <FunctionField source="spec.mpeg7.durationSeconds" render={minutes} />
        <FunctionField
          source="spec.mpeg7.creators"
          render={(r: Title) =>
            (r.spec.mpeg7.creators ?? []).map((c) => `${c.name} (${c.role})`).join(', ') || '—'
          }
        />
        <TextField source="spec.owner" />
        <NumberField source="status.sizeMB" emptyText="—" />
        <NumberField source="status.sitesPlaced" emptyText="0" />
        <Renditions label="resources.content.fields.renditions" />
        <Demand label="resources.content.fields.demand" />
      </SimpleShowLayout>
    </Show>
  );
}
