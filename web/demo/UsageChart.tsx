import { useEffect, useState } from 'react';
import type { GatewayApi } from './api';
import { DailyUsageDocument, type DailyUsageQuery } from './gql/graphql';

/** Days shown, today included. */
const DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;
const WIDTH = 560;
const HEIGHT = 160;
const AXIS = 20;

/** One column of the chart. */
interface Day {
  start: Date;
  succeeded: number;
  other: number;
  costUsd: string;
}

/** The last DAYS UTC days, each with its bucket's totals (the report leaves empty days out). */
function daysOf(report: DailyUsageQuery['usageReport'], from: Date): Day[] {
  const byStart = new Map(report.buckets.map((b) => [Date.parse(b.start), b.totals]));
  return Array.from({ length: DAYS }, (_, i) => {
    const start = new Date(from.getTime() + i * DAY_MS);
    const totals = byStart.get(start.getTime());
    return {
      start,
      succeeded: totals?.succeeded ?? 0,
      other: totals ? totals.tasks - totals.succeeded : 0,
      costUsd: totals?.costUsd ?? '0',
    };
  });
}

/** Tasks per day over the last two weeks (`usageReport`, DAY buckets) as a stacked SVG bar chart. */
export function UsageChart({ api, refresh }: { api: GatewayApi; refresh: number }) {
  const [report, setReport] = useState<{ days: Day[]; totals: DailyUsageQuery['usageReport']['totals'] }>();
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    let current = true;
    const tomorrow = Math.floor(Date.now() / DAY_MS + 1) * DAY_MS;
    const from = new Date(tomorrow - DAYS * DAY_MS);
    api.request(DailyUsageDocument, { from: from.toISOString(), to: new Date(tomorrow).toISOString() }).then(
      ({ usageReport }) => {
        if (!current) return;
        setReport({ days: daysOf(usageReport, from), totals: usageReport.totals });
        setProblem(undefined);
      },
      (error: unknown) => current && setProblem(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      current = false;
    };
  }, [api, refresh]);

  const days = report?.days ?? [];
  const most = Math.max(1, ...days.map((d) => d.succeeded + d.other));
  const slot = WIDTH / DAYS;
  const scale = (n: number) => (n / most) * (HEIGHT - AXIS - 14);
  return (
    <section className="card usage" aria-label="Usage by day">
      <h2>Usage, last {DAYS} days</h2>
      {problem && (
        <p className="issue" role="alert">
          {problem}
        </p>
      )}
      {report && (
        <p className="totals" data-testid="usage-totals">
          {report.totals.tasks} tasks · {report.totals.succeeded} succeeded · ${report.totals.costUsd}
        </p>
      )}
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Tasks per day">
        {days.map((day, i) => {
          const x = i * slot + 4;
          const ok = scale(day.succeeded);
          const rest = scale(day.other);
          const base = HEIGHT - AXIS;
          const label = `${day.start.toISOString().slice(0, 10)}: ${day.succeeded} succeeded, ${day.other} other`;
          return (
            <g
              key={day.start.toISOString()}
              data-day={day.start.toISOString().slice(0, 10)}
              data-tasks={day.succeeded + day.other}
            >
              <title>{`${label}, $${day.costUsd}`}</title>
              <rect className="bar-other" x={x} y={base - ok - rest} width={slot - 8} height={rest} />
              <rect className="bar-ok" x={x} y={base - ok} width={slot - 8} height={ok} />
              {day.succeeded + day.other > 0 && (
                <text x={x + (slot - 8) / 2} y={base - ok - rest - 3} textAnchor="middle">
                  {day.succeeded + day.other}
                </text>
              )}
              <text className="axis" x={x + (slot - 8) / 2} y={HEIGHT - 6} textAnchor="middle">
                {day.start.getUTCDate()}
              </text>
            </g>
          );
        })}
        <line x1={0} x2={WIDTH} y1={HEIGHT - AXIS} y2={HEIGHT - AXIS} className="axis-line" />
      </svg>
      <p className="legend">
        <span className="swatch bar-ok" /> succeeded <span className="swatch bar-other" /> failed, expired or unfinished
      </p>
    </section>
  );
}
