// Records written and failed per run over time, for the runs on the list's current page: one
// bar per run (written below, failed stacked on top), oldest on the left, as inline SVG. Screen
// readers get the chart's summary and a table of the same numbers.
import { useId, useState } from 'react';
import { useListContext } from 'react-admin';
import { useNavigate } from 'react-router-dom';
import { Box, Button, Paper, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { chartGeometry, formatLocal } from './schedule';
import type { Run } from './types';

const WIDTH = 720;
const HEIGHT = 120;
const LEFT = 44; // room for the scale's labels
const BOTTOM = 22; // room for the first and last times
const WRITTEN = '#2e7d32';
const FAILED = '#c62828';

export function RunsChart() {
  const { data, isPending } = useListContext<Run>();
  const [showTable, setShowTable] = useState(false);
  const navigate = useNavigate();
  const titleId = useId();
  const descId = useId();
  if (isPending || !data) return null;
  const runs = data.filter((run) => run.counts);
  if (!runs.length) return null; // the list says there are none
  const g = chartGeometry(runs, WIDTH - LEFT - 8, HEIGHT);
  const byId = new Map(runs.map((run) => [run.id, run]));
  const written = runs.reduce((sum, run) => sum + run.counts.written, 0);
  const failed = runs.reduce((sum, run) => sum + run.counts.failed, 0);
  const summary = `${runs.length} runs from ${formatLocal(g.first?.started_at)} to ${formatLocal(g.last?.started_at)}: ${written} records written, ${failed} failed in all; the most in one run ${g.max}.`;

  return (
    <Paper variant="outlined" sx={{ p: 2, m: 1 }}>
      <Stack direction="row" alignItems="center" justifyContent="space-between" useFlexGap flexWrap="wrap" spacing={1}>
        <Typography variant="subtitle1" component="h2" id={titleId}>
          Records written and failed per run (this page)
        </Typography>
        <Stack direction="row" spacing={2} alignItems="center">
          <Legend colour={WRITTEN} label="written" />
          <Legend colour={FAILED} label="failed" />
          <Button size="small" onClick={() => setShowTable((v) => !v)} aria-expanded={showTable}>
            {showTable ? 'Hide the table' : 'Show as a table'}
          </Button>
        </Stack>
      </Stack>
      <Box sx={{ overflowX: 'auto' }}>
        <svg
          role="img"
          aria-labelledby={`${titleId} ${descId}`}
          viewBox={`0 0 ${WIDTH} ${HEIGHT + BOTTOM + 6}`}
          width="100%"
          style={{ maxWidth: WIDTH * 1.5, minWidth: 360, display: 'block' }}
          data-testid="runs-chart"
        >
          <title>Records written and failed per run</title>
          <desc id={descId}>{summary}</desc>
          <g transform="translate(0, 4)">
            <line x1={LEFT - 4} x2={WIDTH} y1={HEIGHT} y2={HEIGHT} stroke="#9e9e9e" />
            <line x1={LEFT - 4} x2={WIDTH} y1={0} y2={0} stroke="#e0e0e0" strokeDasharray="3 3" />
            <text x={LEFT - 8} y={10} textAnchor="end" fontSize="11" fill="#616161">
              {g.max}
            </text>
            <text x={LEFT - 8} y={HEIGHT} textAnchor="end" fontSize="11" fill="#616161">
              0
            </text>
            <g transform={`translate(${LEFT}, 0)`}>
              {g.bars.map((bar) => (
                <g
                  key={bar.id}
                  className="run-bar"
                  data-run={bar.id}
                  onClick={() => navigate(`/runs/${bar.id}/show`)}
                  style={{ cursor: 'pointer' }}
                >
                  <title>{bar.label}</title>
                  {/* The slot's full height, so that a run with nothing written can be pointed at. */}
                  <rect x={bar.x} y={0} width={bar.width} height={HEIGHT} fill="transparent" />
                  <rect x={bar.x} y={bar.writtenY} width={bar.width} height={bar.writtenHeight} fill={WRITTEN} />
                  <rect x={bar.x} y={bar.failedY} width={bar.width} height={bar.failedHeight} fill={FAILED} />
                  {bar.writtenHeight + bar.failedHeight === 0 && (
                    // A run that wrote and failed nothing still shows where it was.
                    <rect x={bar.x} y={HEIGHT - 2} width={bar.width} height={2} fill="#9e9e9e" />
                  )}
                </g>
              ))}
            </g>
            {g.first && (
              <text x={LEFT} y={HEIGHT + 16} fontSize="11" fill="#616161">
                {formatLocal(g.first.started_at)}
              </text>
            )}
            {g.last && g.bars.length > 1 && (
              <text x={WIDTH} y={HEIGHT + 16} textAnchor="end" fontSize="11" fill="#616161">
                {formatLocal(g.last.started_at)}
              </text>
            )}
          </g>
        </svg>
      </Box>
      {showTable && (
        <Table size="small" aria-label="Records written and failed per run, as a table">
          <TableHead>
            <TableRow>
              <TableCell>Run</TableCell>
              <TableCell>Job</TableCell>
              <TableCell>Started</TableCell>
              <TableCell align="right">Written</TableCell>
              <TableCell align="right">Failed</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {g.bars.map((bar) => byId.get(bar.id)!).map((run) => (
              <TableRow key={run.id}>
                <TableCell>{run.id}</TableCell>
                <TableCell>{run.job}</TableCell>
                <TableCell>{formatLocal(run.started_at)}</TableCell>
                <TableCell align="right">{run.counts.written}</TableCell>
                <TableCell align="right">{run.counts.failed}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Paper>
  );
}

function Legend({ colour, label }: { colour: string; label: string }) {
  return (
    <Stack direction="row" spacing={0.5} alignItems="center">
      <Box aria-hidden sx={{ width: 12, height: 12, bgcolor: colour, borderRadius: 0.5 }} />
      <Typography variant="body2">{label}</Typography>
    </Stack>
  );
}
