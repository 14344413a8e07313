// A Chart.js chart as a Preact component: created once, updated in place when its data change.
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartData,
  type ChartOptions,
  type ChartType,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);
Chart.defaults.font.family = getComputedStyleSafe('--font') || 'system-ui, sans-serif';
Chart.defaults.color = '#323d4d';

function getComputedStyleSafe(name: string): string {
  try {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  } catch {
    return '';
  }
}

/** Colours that keep 3:1 contrast against white for graphical objects (WCAG 1.4.11). */
export const PALETTE = ['#1f5fa8', '#b3261e', '#8a5a00', '#2e7d4f', '#6b3fa0', '#00737a', '#5c6370', '#c2410c'];
export const STATUS_COLORS: Record<string, string> = {
  MATCHED: '#2e7d4f',
  MISMATCHED: '#b3261e',
  MISSING: '#8a5a00',
  PENDING: '#1f5fa8',
};

export function ChartView<T extends ChartType>({
  type,
  data,
  options,
  label,
  height = 260,
  testid,
}: {
  type: T;
  data: ChartData<T>;
  options?: ChartOptions<T>;
  /** Text alternative: what the chart shows, in words. */
  label: string;
  height?: number;
  testid?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<T> | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    chart.current = new Chart(canvas.current, {
      type,
      data,
      options: { responsive: true, maintainAspectRatio: false, animation: false, ...(options ?? {}) } as ChartOptions<T>,
    });
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
    // the chart is rebuilt only when its type changes; data and options are updated below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [type]);

  useEffect(() => {
    const current = chart.current;
    if (!current) return;
    current.data = data;
    if (options) current.options = { responsive: true, maintainAspectRatio: false, animation: false, ...options } as ChartOptions<T>;
    current.update('none');
  }, [data, options]);

  return (
    <div class="chart" style={{ height: `${height}px` }} data-testid={testid}>
      <canvas ref={canvas} role="img" aria-label={label}>
        {label}
      </canvas>
    </div>
  );
}
